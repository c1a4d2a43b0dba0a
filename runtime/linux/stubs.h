/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stubs.h: the shape of the tail-call stub pool (stubs.S), which the hot path
 * tests an address against: a constant size, one compare.
 */
#ifndef DDV_STUBS_H
#define DDV_STUBS_H

#define DDV_NSTUBS 256
#define DDV_STUB_SIZE 16
#define DDV_STUB_POOL_BYTES (DDV_NSTUBS * DDV_STUB_SIZE)

#endif /* DDV_STUBS_H */
