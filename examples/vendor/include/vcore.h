/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcore.h: the API of the example vendor core (vcore.ko): numbered channels a
 * driver takes with vcore_get_channel() and gives back with vcore_put_channel().
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

#endif
