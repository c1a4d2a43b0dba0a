// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that frees a buffer twice in its cleanup loop.
 *
 * Init sets up rings of a vmalloc'ed buffer and a kmalloc'ed descriptor each.
 * When a descriptor allocation fails, the error path frees that ring's buffer
 * at once and then runs the cleanup loop, which starts at the same ring and
 * frees the buffer again. The clean twin (double_free_clean.c, FIXTURE_CLEAN)
 * clears the pointer after the first free. The buffers are vmalloc'ed so that
 * the kernel survives the defect when nothing stops it: vfree() of an area it
 * no longer knows warns and returns, where a second kfree() could corrupt the
 * slab for whoever runs next.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "fixture.h"

#define NR_RINGS 4
#define RING_BYTES 8192

struct ring_desc {
	unsigned int index;
	unsigned int head;
};

static void *ring_buf[NR_RINGS];
static struct ring_desc *ring_desc[NR_RINGS];

static void rings_cleanup(int last)
{
	int i;

	for (i = last; i >= 0; i--) {
		kfree(ring_desc[i]);
		ring_desc[i] = NULL;
		vfree(ring_buf[i]);
		ring_buf[i] = NULL;
	}
}

static int __init double_free_init(void)
{
	int i;

	for (i = 0; i < NR_RINGS; i++) {
		ring_buf[i] = FIXTURE_FALLIBLE(vzalloc(RING_BYTES));
		if (!ring_buf[i])
			goto unwind;
		ring_desc[i] = FIXTURE_FALLIBLE(kzalloc(sizeof(*ring_desc[i]),
							GFP_KERNEL));
		if (!ring_desc[i]) {
			vfree(ring_buf[i]);
#ifdef FIXTURE_CLEAN
			ring_buf[i] = NULL;
#endif
			goto unwind;
		}
		ring_desc[i]->index = i;
	}
	return 0;

unwind:
	rings_cleanup(i);
	return -ENOMEM;
}

static void __exit double_free_exit(void)
{
	rings_cleanup(NR_RINGS - 1);
}

module_init(double_free_init);
module_exit(double_free_exit);
MODULE_DESCRIPTION("ddv fixture: double free in a cleanup loop");
MODULE_LICENSE("GPL");
