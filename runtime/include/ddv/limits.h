/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * limits.h: the versions and limits that ddvc, the packs it generates and ddv.ko
 * must agree on. Plain constants and no includes: ddvc (compiler/ddvc.h) takes
 * them from here, as abi.h does, so the compiler and the runtime cannot drift.
 * The history of each version is in NEWS.
 */
#ifndef DDV_LIMITS_H
#define DDV_LIMITS_H

#define DDV_ABI_VERSION 20	/* struct ddv_pack and the descriptors, the call protocol */
#define DDV_CATALOG_FORMAT 1	/* the catalog text's first line: "# ddv message catalog 1" */
#define DDV_CATALOG_SECTION ".ddv_catalog"	/* the pack module's section of the catalog text */
#define DDV_MAX_FIELDS 4	/* u64 fields of one object */
#define DDV_MAX_ARGS 6		/* u64 arguments of one log record */
#define DDV_MAX_DUTS 8		/* driver-under-test ids 1..7; 0 is "nobody" */

#endif /* DDV_LIMITS_H */
