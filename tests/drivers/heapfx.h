/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heapfx.h: body of the heapfx_* fixtures: the kmalloc family, vmalloc, kvmalloc and the page
 * allocators of specs/linux/heap.ddv, used at init and undone there. Each defect defines one
 * macro:
 *   HF_ATOMIC  kmalloc, kmalloc_node, krealloc, kstrdup, kmemdup, devm_kmalloc,
 *              __get_free_pages, get_zeroed_page and alloc_pages with GFP_KERNEL, preemption
 *              off (all fail by injection: inject plan caller=...:hf_atomic rate=100)
 *   HF_AGAIN   each allocator's block freed where ddv does not see it and allocated again:
 *              the allocator gives back the address ddv holds live (devm_kmalloc's record
 *              is then taken for one devres freed unseen: no finding)
 *   HF_UNSEEN  blocks made where ddv does not see it, then freed with kvfree (a kmalloc'ed
 *              and a vmalloc'ed one), free_pages, and resized with krealloc
 *   HF_ORDER   pages freed with another order; pages asked for beyond MAX_ORDER
 *   HF_QUEUED  a block kfree()d while a work item inside it is queued
 *   HF_VLEAK   a vmalloc'ed ring leaked when the allocation after it fails (inject nth
 *              kmalloc 1)
 * The clean twin (FIXTURE_CLEAN) makes the same calls rightly.
 *
 * What keeps the defects safe: the blocks "ddv does not see" made or freed are made or freed
 * once, for real, through function pointers (ddv redirects call instructions only). The
 * queued work item is queued the way work_pending() sees it (its pending bit set), not on a
 * workqueue, so that nothing runs from the freed block (as timer_freed.c does for timers).
 * HF_ORDER's free of order 0 of an order-1 allocation leaves its second page to the kernel.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <linux/platform_device.h>

static struct platform_device *hf_pdev;
/*
 * kvmalloc() tries kmalloc first, which gives up to KMALLOC_MAX_SIZE (4 MiB on x86-64):
 * past it, the block is vmalloc'ed.
 */
#define HF_KVBIG (KMALLOC_MAX_SIZE + PAGE_SIZE)
static const char hf_bytes[24] __maybe_unused = KBUILD_MODNAME;

#ifdef HF_ATOMIC
/* Every call fails by injection, so nothing sleeps with preemption off. */
static noinline void hf_atomic(struct device *dev)
{
	void *p[6];
	unsigned long pg[2];
	struct page *page;
	int i;

#ifndef FIXTURE_CLEAN
	preempt_disable();
#define HF_GFP GFP_KERNEL
#else
#define HF_GFP GFP_ATOMIC
#endif
	p[0] = kmalloc(64, HF_GFP);
	p[1] = kmalloc_node(64, HF_GFP, NUMA_NO_NODE);
	p[2] = krealloc(NULL, 64, HF_GFP);
	p[3] = kstrdup(KBUILD_MODNAME, HF_GFP);
	p[4] = kmemdup(KBUILD_MODNAME, 4, HF_GFP);
	p[5] = devm_kmalloc(dev, 64, HF_GFP);
	pg[0] = __get_free_pages(HF_GFP, 0);
	pg[1] = get_zeroed_page(HF_GFP);
	page = alloc_pages(HF_GFP, 0);
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	for (i = 0; i < 5; i++)
		kfree(p[i]);
	if (p[5])
		devm_kfree(dev, p[5]);
	for (i = 0; i < 2; i++)
		free_pages(pg[i], 0);
	if (page)
		__free_pages(page, 0);
}

static int hf_case(void)
{
	hf_atomic(&hf_pdev->dev);
	return 0;
}
#endif

#ifdef HF_AGAIN
#include "again.h"
/*
 * again.h's loop. The 4 MiB kvmalloc tries fewer times: 64 of them held at once would take
 * half the guest's 512 MiB, and the OOM killer then kills the test's job.
 */
#define HF_BIG_TRIES 8

#ifdef FIXTURE_CLEAN
#define HF_HIDE(fn) fn
#else
/* The real function through a pointer ddv does not redirect. */
#define HF_HIDE(fn) ({ typeof(&fn) volatile hf_p = fn; hf_p; })
#endif

#define HF_AGAIN_ONE(type, ALLOC, FREE, HIDDEN_FREE, PURGE)				\
	FX_AGAIN(type, FX_AGAIN_MAX, ALLOC, FREE, HIDDEN_FREE, PURGE)

#define hf_kfree(p) kfree(p)
#define hf_kfree_hidden(p) HF_HIDE(kfree)(p)
#define hf_kvfree(p) kvfree(p)
#define hf_kvfree_hidden(p) HF_HIDE(kvfree)(p)
#define hf_vfree(p) vfree(p)
#define hf_vfree_hidden(p) HF_HIDE(vfree)(p)
#define hf_page(p) free_pages(p, 0)
#define hf_page_hidden(p) HF_HIDE(free_pages)(p, 0)
#define hf_devm(p) devm_kfree(&hf_pdev->dev, p)
#define hf_devm_hidden(p) HF_HIDE(devm_kfree)(&hf_pdev->dev, p)

#define HF_VSIZE (64 * PAGE_SIZE)

static int hf_case(void)
{
	HF_AGAIN_ONE(void *, kmalloc(96, GFP_KERNEL), hf_kfree, hf_kfree_hidden, );
	HF_AGAIN_ONE(void *, kmalloc_node(96, GFP_KERNEL, NUMA_NO_NODE), hf_kfree,
		     hf_kfree_hidden, );
	HF_AGAIN_ONE(void *, krealloc(NULL, 96, GFP_KERNEL), hf_kfree, hf_kfree_hidden, );
	HF_AGAIN_ONE(char *, kstrdup(KBUILD_MODNAME "-again", GFP_KERNEL), hf_kfree,
		     hf_kfree_hidden, );
	HF_AGAIN_ONE(void *, kmemdup(hf_bytes, sizeof(hf_bytes), GFP_KERNEL), hf_kfree,
		     hf_kfree_hidden, );
	HF_AGAIN_ONE(void *, kvmalloc(96, GFP_KERNEL), hf_kvfree, hf_kvfree_hidden, );
	HF_AGAIN_ONE(void *, devm_kmalloc(&hf_pdev->dev, 96, GFP_KERNEL), hf_devm,
		     hf_devm_hidden, );
	HF_AGAIN_ONE(unsigned long, __get_free_pages(GFP_KERNEL, 0), hf_page, hf_page_hidden, );
	HF_AGAIN_ONE(unsigned long, get_zeroed_page(GFP_KERNEL), hf_page, hf_page_hidden, );
	HF_AGAIN_ONE(void *, vmalloc(HF_VSIZE), hf_vfree, hf_vfree_hidden, vm_unmap_aliases());
	HF_AGAIN_ONE(void *, vzalloc(HF_VSIZE), hf_vfree, hf_vfree_hidden, vm_unmap_aliases());
	FX_AGAIN(void *, HF_BIG_TRIES, kvmalloc(HF_KVBIG, GFP_KERNEL), hf_kvfree,
		       hf_kvfree_hidden, vm_unmap_aliases());
	return 0;
}
#endif

#ifdef HF_UNSEEN
static int hf_case(void)
{
	void *(*volatile kv)(size_t, gfp_t, int) = kvmalloc_node;
	void *(*volatile km)(size_t, gfp_t) = __kmalloc;
	unsigned long (*volatile gp)(gfp_t, unsigned int) = __get_free_pages;
	void *small, *big, *grown;
	unsigned long pg;

#ifdef FIXTURE_CLEAN
	kv = kvmalloc_node;
	km = __kmalloc;
	gp = __get_free_pages;
	small = kvmalloc(96, GFP_KERNEL);
	big = kvmalloc(HF_KVBIG, GFP_KERNEL);
	pg = __get_free_pages(GFP_KERNEL, 0);
	grown = kmalloc(32, GFP_KERNEL);
#else
	small = kv(96, GFP_KERNEL, NUMA_NO_NODE);
	big = kv(HF_KVBIG, GFP_KERNEL, NUMA_NO_NODE);
	pg = gp(GFP_KERNEL, 0);
	grown = km(32, GFP_KERNEL);
#endif
	if (grown) {
		void *g = krealloc(grown, 4096, GFP_KERNEL);

		if (g)
			grown = g;
	}
	kvfree(small);
	kvfree(big);
	free_pages(pg, 0);
	kfree(grown);
	return small && big && pg && grown ? 0 : -ENOMEM;
}
#endif

#ifdef HF_ORDER
static int hf_case(void)
{
	unsigned long pg = __get_free_pages(GFP_KERNEL, 1);
	unsigned long huge;

	if (!pg)
		return -ENOMEM;
#ifdef FIXTURE_CLEAN
	free_pages(pg, 1);
	huge = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, 1);
	free_pages(huge, 1);
#else
	/* Frees the first page; the kernel keeps the second (its count is the head's). */
	free_pages(pg, 0);
	/* Beyond the largest order: the kernel refuses it (NULL, no warning asked for). */
	huge = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, 20);
	if (huge)
		free_pages(huge, 20);
#endif
	return 0;
}
#endif

#ifdef HF_QUEUED
struct hf_holder {
	unsigned long cookie;
	struct work_struct work;	/* inside the block, not at its start */
};

static void hf_work_fn(struct work_struct *work)
{
}

static int hf_case(void)
{
	struct hf_holder *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return -ENOMEM;
	INIT_WORK(&h->work, hf_work_fn);
	/* Pending as work_pending() sees it: queue_work() then leaves it (see above). */
	set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&h->work));
	queue_work(system_wq, &h->work);
#ifdef FIXTURE_CLEAN
	/* What cancel_work_sync() leaves: not pending. */
	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&h->work));
#endif
	kfree(h);
	return 0;
}
#endif

#ifdef HF_VLEAK
static int hf_case(void)
{
	void *ring = vmalloc(16 * PAGE_SIZE);
	void *state;

	if (!ring)
		return -ENOMEM;
	state = kmalloc(128, GFP_KERNEL);
	if (!state) {
#ifdef FIXTURE_CLEAN
		vfree(ring);
#endif
		return -ENOMEM;
	}
	kfree(state);
	vfree(ring);
	return 0;
}
#endif

static int __init hf_init(void)
{
	int err;

	hf_pdev = platform_device_register_simple(KBUILD_MODNAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(hf_pdev))
		return PTR_ERR(hf_pdev);
	err = hf_case();
	if (err)
		platform_device_unregister(hf_pdev);
	return err;
}

static void __exit hf_exit(void)
{
	platform_device_unregister(hf_pdev);
}

module_init(hf_init);
module_exit(hf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: the kmalloc family, vmalloc and the page allocators");
