/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcore.h: the API of the example vendor core (vcore.ko): numbered channels a
 * driver takes with vcore_get_channel() and gives back with vcore_put_channel(),
 * and ring buffers it allocates with vcore_alloc_buf() and frees with kfree().
 * The vendor's contracts for it are vendor.ddv (pack "vendor").
 */
#ifndef VCORE_H
#define VCORE_H

struct vcore_channel;

/* Channel id (0..VCORE_CHANNELS-1), taken for the caller; NULL when busy or out of memory. */
struct vcore_channel *vcore_get_channel(int id);
/* Gives a channel back; each vcore_get_channel() is paired with one call. */
void vcore_put_channel(struct vcore_channel *ch);

#define VCORE_CHANNELS 8

/*
 * A DMA-able buffer of size bytes for a channel's ring, from the kernel heap:
 * the caller owns it and frees it with kfree() or vcore_free_buf(). NULL when
 * out of memory.
 */
void *vcore_alloc_buf(size_t size);
/* Frees a buffer of vcore_alloc_buf() (kfree() is as good). */
void vcore_free_buf(void *buf);

#endif
