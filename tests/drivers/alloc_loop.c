// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that allocates 10,000 buffers in a loop and leaks one when an
 * allocation in the loop fails.
 *
 * Its unwind loop stops one short ("while (--i > 0)"), so buffer 0 leaks
 * whenever any allocation but the first fails. A campaign that fails every
 * call would need 10,000 loads; one that recognises the loop and fails only
 * its first and last few repeats still finds the leak. The clean twin
 * (alloc_loop_clean.c, FIXTURE_CLEAN) unwinds every buffer.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "fixture.h"

#define NR_BUFFERS 10000
#define BUFFER_BYTES 32

static void *buffers[NR_BUFFERS];

static int __init alloc_loop_init(void)
{
	int i;

	for (i = 0; i < NR_BUFFERS; i++) {
		buffers[i] = FIXTURE_FALLIBLE(kmalloc(BUFFER_BYTES,
						      GFP_KERNEL));
		if (!buffers[i])
			goto unwind;
	}
	return 0;

unwind:
#ifdef FIXTURE_CLEAN
	while (i--)
#else
	while (--i > 0)		/* the defect: buffers[0] is never freed */
#endif
		kfree(buffers[i]);
	return -ENOMEM;
}

static void __exit alloc_loop_exit(void)
{
	int i;

	for (i = 0; i < NR_BUFFERS; i++)
		kfree(buffers[i]);
}

module_init(alloc_loop_init);
module_exit(alloc_loop_exit);
MODULE_DESCRIPTION("ddv fixture: leak in the error path of a 10,000-buffer loop");
MODULE_LICENSE("GPL");
