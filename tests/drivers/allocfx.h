/* SPDX-License-Identifier: GPL-2.0 */
/*
 * allocfx.h: body of the allocfx_* fixtures: vcalloc, alloc_pages_exact/free_pages_exact and
 * kvfree_sensitive (specs/linux/heap.ddv), used at init and undone there. Each defect defines
 * one macro:
 *   AF_LEAK    a vcalloc'ed array and alloc_pages_exact pages leaked when the allocation
 *              after them fails (inject nth kmalloc 1)
 *   AF_SIZE    free_pages_exact with fewer pages than alloc_pages_exact gave
 *   AF_UNSEEN  free_pages_exact and kvfree_sensitive (a kmalloc'ed and a vmalloc'ed block)
 *              of memory made where ddv does not see it; both twins also free_pages_exact
 *              NULL of one page, which frees nothing
 *   AF_ATOMIC  alloc_pages_exact with GFP_KERNEL, vcalloc, and kvfree_sensitive of vmalloc'ed
 *              memory, preemption off (the allocations fail by injection: inject plan
 *              caller=...:af_atomic rate=100)
 *   AF_AGAIN   each allocator's block freed where ddv does not see it and allocated again:
 *              the allocator gives back the address ddv holds live
 * The clean twin (FIXTURE_CLEAN) makes the same calls rightly; its kvfree_sensitive()s of
 * kvmalloc'ed blocks are what was a false heap.leak and vmem.leak before their contract.
 *
 * What keeps the defects safe: the memory "ddv does not see" made or freed is made or freed
 * once, for real, through function pointers (ddv redirects call instructions only).
 * AF_SIZE's short free leaves its last page to the kernel. AF_ATOMIC's vfree with preemption
 * off is what sleep_atomic.c does: it does not sleep for one small block.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/gfp.h>
#include <linux/mm.h>

/* Past kmalloc's largest block (KMALLOC_MAX_SIZE), kvmalloc() vmallocs. */
#define AF_KVBIG (KMALLOC_MAX_SIZE + PAGE_SIZE)
/* Three pages: an order-2 allocation whose fourth page alloc_pages_exact gives back. */
#define AF_EXACT (3 * PAGE_SIZE)

/* The real function through a pointer ddv does not redirect. */
#define AF_HIDE(fn) ({ typeof(&fn) volatile af_p = fn; af_p; })

#ifdef AF_LEAK
static int af_case(void)
{
	u32 *table = vcalloc(64, sizeof(u32));
	void *pages;
	void *state;

	if (!table)
		return -ENOMEM;
	pages = alloc_pages_exact(AF_EXACT, GFP_KERNEL);
	if (!pages) {
		vfree(table);
		return -ENOMEM;
	}
	state = kmalloc(128, GFP_KERNEL);
	if (!state) {
#ifdef FIXTURE_CLEAN
		free_pages_exact(pages, AF_EXACT);
		vfree(table);
#endif
		return -ENOMEM;
	}
	kfree(state);
	free_pages_exact(pages, AF_EXACT);
	vfree(table);
	return 0;
}
#endif

#ifdef AF_SIZE
static int af_case(void)
{
	void *pages = alloc_pages_exact(AF_EXACT, GFP_KERNEL);

	if (!pages)
		return -ENOMEM;
#ifdef FIXTURE_CLEAN
	/* The same pages: 5000 bytes and 8192 are two pages alike, and so on. */
	free_pages_exact(pages, AF_EXACT - 100);
#else
	/* Two of the three pages: the kernel keeps the third. */
	free_pages_exact(pages, 2 * PAGE_SIZE);
#endif
	return 0;
}
#endif

#ifdef AF_UNSEEN
static int af_case(void)
{
	void *small, *big, *pages;

#ifdef FIXTURE_CLEAN
	small = kvmalloc(96, GFP_KERNEL);
	big = kvmalloc(AF_KVBIG, GFP_KERNEL);
	pages = alloc_pages_exact(AF_EXACT, GFP_KERNEL);
#else
	small = AF_HIDE(kvmalloc_node)(96, GFP_KERNEL, NUMA_NO_NODE);
	big = AF_HIDE(kvmalloc_node)(AF_KVBIG, GFP_KERNEL, NUMA_NO_NODE);
	pages = AF_HIDE(alloc_pages_exact)(AF_EXACT, GFP_KERNEL);
#endif
	kvfree_sensitive(small, 96);
	kvfree_sensitive(big, AF_KVBIG);
	if (pages)
		free_pages_exact(pages, AF_EXACT);
	/* One page of NULL is free_page(0), nothing: no finding (more would be one). */
	free_pages_exact(NULL, PAGE_SIZE);
	return small && big && pages ? 0 : -ENOMEM;
}
#endif

#ifdef AF_ATOMIC
/* The allocations fail by injection, so nothing sleeps with preemption off. */
static noinline void af_atomic(void *secret)
{
	void *pages;
	u32 *table;

#ifndef FIXTURE_CLEAN
	preempt_disable();
#define AF_GFP GFP_KERNEL
#else
#define AF_GFP GFP_ATOMIC
#endif
	pages = alloc_pages_exact(PAGE_SIZE, AF_GFP);
	table = vcalloc(16, sizeof(u32));
	kvfree_sensitive(secret, PAGE_SIZE);
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	if (pages)
		free_pages_exact(pages, PAGE_SIZE);
	vfree(table);
}

static int af_case(void)
{
	void *secret = vmalloc(PAGE_SIZE);

	if (!secret)
		return -ENOMEM;
	af_atomic(secret);
	return 0;
}
#endif

#ifdef AF_AGAIN
#include "again.h"
/* again.h's loop, 32 tries at most. */
#define AF_TRIES 32
#define AF_VN 4

#ifdef FIXTURE_CLEAN
#define AF_UNSEEN_FREE(fn) fn
#else
#define AF_UNSEEN_FREE(fn) AF_HIDE(fn)
#endif

#define af_exact() alloc_pages_exact(PAGE_SIZE, GFP_KERNEL)
#define af_exact_free(p) free_pages_exact(p, PAGE_SIZE)
#define af_exact_hidden(p) AF_UNSEEN_FREE(free_pages_exact)(p, PAGE_SIZE)
#define af_vcalloc() vcalloc(AF_VN, PAGE_SIZE)
#define af_vfree(p) vfree(p)
#define af_vfree_hidden(p) AF_UNSEEN_FREE(vfree)(p)

#define AF_AGAIN_ONE(ALLOC, FREE, HIDDEN_FREE, PURGE)					\
	FX_AGAIN(void *, AF_TRIES, ALLOC, FREE, HIDDEN_FREE, PURGE)

static int af_case(void)
{
	AF_AGAIN_ONE(af_exact(), af_exact_free, af_exact_hidden, );
	AF_AGAIN_ONE(af_vcalloc(), af_vfree, af_vfree_hidden, vm_unmap_aliases());
	return 0;
}
#endif

static int __init af_init(void)
{
	return af_case();
}

static void __exit af_exit(void)
{
}

module_init(af_init);
module_exit(af_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: vcalloc, alloc_pages_exact and kvfree_sensitive");
