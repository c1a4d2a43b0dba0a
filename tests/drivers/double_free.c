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
 * slab for whoever runs next. The poke parameter replays a double free on
 * demand after the load, for a driver ddv attached to live.
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

/*
 * For live attach (tests/vm/fixture-double_free.sh): a write to
 * /sys/module/double_free/parameters/poke makes the loaded driver act at
 * once, from its core text: "double-free" allocates a buffer and frees it
 * twice (once in the clean twin); "free-ring" frees the last ring's buffer,
 * which init allocated; "refree-ring" frees that buffer again (not in the
 * clean twin).
 */
static unsigned int pokes_done;
static void *ring_freed;

static noinline void poke_double_free(void)
{
	void *buf = vzalloc(RING_BYTES);

	if (!buf)
		return;
	vfree(buf);
#ifndef FIXTURE_CLEAN
	vfree(buf);
#endif
	/* Also keeps the last vfree a call, not a tail jmp: its frame is then named. */
	WRITE_ONCE(pokes_done, pokes_done + 1);
}

static noinline void poke_refree_ring(void)
{
#ifndef FIXTURE_CLEAN
	vfree(ring_freed);
#endif
	WRITE_ONCE(pokes_done, pokes_done + 1);
}

static int poke_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "double-free")) {
		poke_double_free();
	} else if (sysfs_streq(val, "free-ring")) {
		ring_freed = ring_buf[NR_RINGS - 1];
		vfree(ring_buf[NR_RINGS - 1]);
		ring_buf[NR_RINGS - 1] = NULL;
	} else if (sysfs_streq(val, "refree-ring")) {
		poke_refree_ring();
	} else {
		return -EINVAL;
	}
	return 0;
}

static const struct kernel_param_ops poke_ops = {
	.set = poke_set,
};
module_param_cb(poke, &poke_ops, NULL, 0200);
MODULE_PARM_DESC(poke, "act now: double-free (a new buffer freed twice), free-ring (the last ring's buffer), refree-ring (that buffer again)");

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
