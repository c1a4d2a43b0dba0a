// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture with no defect: blocks of both kinds, each freed the way its
 * kind must be, so that heap.ddv's tests of the address (ddv_is_vmalloc) are
 * shown right both ways.
 *
 * Init takes a kmalloc'ed block (freed with kfree), a small kvmalloc'ed one
 * (kmalloc'ed inside, freed with kvfree) and a big one (vmalloc'ed inside,
 * freed with vfree), and says which kind the kernel gave each. Zero findings:
 * an address test that missed the vmalloc area would make the big block a
 * heap block, which vfree must not free (vmem.vfree-kmalloc); one that took
 * every address for vmalloc'ed would report the kfree (heap.kfree-vmalloc).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include "fixture.h"

#define SMALL_BYTES 64
#define BIG_BYTES (8 << 20)	/* past kmalloc's largest (4 MB): kvmalloc falls back to vmalloc */

static int __init vmalloc_kinds_init(void)
{
	void *plain, *small, *big;

	plain = kmalloc(SMALL_BYTES, GFP_KERNEL);
	small = kvmalloc(SMALL_BYTES, GFP_KERNEL);
	big = kvmalloc(BIG_BYTES, GFP_KERNEL);
	pr_info("vmalloc_kinds: plain %d small %d big %d (1: vmalloc'ed)\n",
		plain ? is_vmalloc_addr(plain) : -1, small ? is_vmalloc_addr(small) : -1,
		big ? is_vmalloc_addr(big) : -1);
	kfree(plain);
	kvfree(small);
	if (big && is_vmalloc_addr(big))
		vfree(big);
	else
		kvfree(big);
	return plain && small && big ? 0 : -ENOMEM;
}

static void __exit vmalloc_kinds_exit(void)
{
}

module_init(vmalloc_kinds_init);
module_exit(vmalloc_kinds_exit);
MODULE_DESCRIPTION("ddv fixture: kmalloc'ed and vmalloc'ed blocks, each freed its own way");
MODULE_LICENSE("GPL");
