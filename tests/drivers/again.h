/* SPDX-License-Identifier: GPL-2.0 */
/*
 * again.h: the fixtures' "allocated again" loop (heapfx, allocfx, netmore): ALLOC's block
 * freed where ddv does not see it (HIDDEN_FREE), then allocated again until the allocator
 * gives the same address back, so that ddv's record of it is still live. Each allocator
 * gives back the block freed last, as a rule: SLUB's per-CPU freelist, the page allocator's
 * per-CPU lists, vmalloc's lowest free range once the lazily freed ranges are purged (PURGE:
 * vm_unmap_aliases(), or nothing). Purge before the first allocation too: else the ranges
 * that earlier sessions freed lazily come back with the block's own, lower, and fill first.
 * Another CPU may take it first: allocate again, keeping the blocks that differ, until it
 * comes back (TRIES at most, up to FX_AGAIN_MAX: else ddv's record stays live and is
 * reported as a leak, a failure of the test). The kernel log says whether it came back.
 * Returns -ENOMEM from the caller when the first allocation fails.
 */
#ifndef DDV_FIXTURE_AGAIN_H
#define DDV_FIXTURE_AGAIN_H
#include <linux/printk.h>

#define FX_AGAIN_MAX 64

#define FX_AGAIN(type, TRIES, ALLOC, FREE, HIDDEN_FREE, PURGE)				\
	do {										\
		type old;								\
		type fx_new;								\
		type fx_keep[FX_AGAIN_MAX];						\
		int fx_n = 0;								\
											\
		BUILD_BUG_ON((TRIES) > FX_AGAIN_MAX);					\
		PURGE;									\
		old = ALLOC;								\
		if (!old)								\
			return -ENOMEM;							\
		HIDDEN_FREE(old);							\
		PURGE;									\
		while ((fx_new = ALLOC)) {						\
			if (fx_new == old || fx_n == (TRIES)) {				\
				FREE(fx_new);						\
				break;							\
			}								\
			fx_keep[fx_n++] = fx_new;					\
		}									\
		pr_info("%s: %s:%d: %lx %s after %d other blocks\n", KBUILD_MODNAME,	\
			__FILE__, __LINE__, (unsigned long)old,				\
			fx_new == old ? "came back" : "did not come back", fx_n);	\
		while (fx_n)								\
			FREE(fx_keep[--fx_n]);						\
	} while (0)

#endif
