/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * logrec.h: the binary log format that read() on /dev/ddv returns and the
 * ddv command decodes (decoder: runtime/core/logring.h, logdec_next()).
 *
 * Contract. The stream is a sequence of frames; each frame holds records of
 * one CPU in the order that CPU logged them. A read() returns whole frames
 * only. Integers are LEB128 varints (uvarint) or zigzag varints (svarint).
 *
 *   frame   := 0xD5, len:u32 little-endian, check:u8, body[len]
 *              check = 0x5A ^ the four bytes of len (xor): resynchronizing
 *              after garbage rarely takes a stray 0xD5 for a frame.
 *   body    := cpu:uvarint, ts:uvarint, ref:uvarint, record*
 *              ts: time (ns) the first record's delta is taken from;
 *              ref: the initial value of the "reference" register below.
 *   record  := head:u8 ...
 *     head bits 0-2 = nargs 0..6: an event
 *       msgcode:uvarint = index << 4 | min(pack, 15); when pack >= 15
 *         pack - 15:uvarint follows. The message id is pack << 16 | index
 *         (pack 0: the runtime's own messages, DDV_RTMSG_* below).
 *       dt:svarint: ts - the previous record's ts (or the frame's ts)
 *       tags: ceil(nargs / 4) bytes, 2 bits per argument, argument 0 in the
 *         low bits of the first byte:
 *         0 literal  svarint of the value read as s64; when the zigzag
 *                    code is >= 2^32 (|value| >= 2^31) the value becomes the
 *                    reference
 *         1 delta    svarint of value - reference (mod 2^64); the value
 *                    becomes the reference (kernel pointers near the last one)
 *         2 same     the value is the reference; no bytes
 *         3 invalid
 *       args in order; bits 3-7 of head and unused tag bits are 0. The
 *       reference register starts at the frame's ref and carries from
 *       record to record within the frame.
 *     head bits 0-2 = 7: a control record; bits 3-7 = kind:
 *       kind 0 DROP  count:uvarint: records this CPU lost (ring full) since
 *                    its previous DROP record. They were lost after this
 *                    CPU's previous frame and before this record's frame ended.
 * Anything else is garbage: a decoder skips to the next frame.
 */
#ifndef DDV_LOGREC_H
#define DDV_LOGREC_H

#include <linux/types.h>

#define DDV_LOG_FRAME_MAGIC	0xD5
#define DDV_LOG_FRAME_CHECK	0x5A
#define DDV_LOG_FRAME_HDR	6		/* magic, len, check */
#define DDV_LOG_FRAME_MAX	(1u << 24)	/* a longer len is garbage */
#define DDV_LOG_MAX_ARGS	6		/* = DDV_MAX_ARGS of abi.h */
#define DDV_LOG_REC_MAX		96		/* bytes of the longest record */
#define DDV_LOG_HEAD_CONTROL	7
#define DDV_LOG_CTL_DROP	0

#define DDV_MSG_ID(pack, index)	((__u32)(pack) << 16 | (__u16)(index))
#define DDV_MSG_PACK(id)	((__u16)((id) >> 16))
#define DDV_MSG_INDEX(id)	((__u16)(id))

enum ddv_logrec_kind {
	DDV_LOGREC_EVENT,	/* msg, nargs, args */
	DDV_LOGREC_DROP,	/* dropped */
};

/* One decoded record. */
struct ddv_logrec {
	__u64 ts;			/* ns, the logging CPU's clock */
	__u64 dropped;			/* DROP: records lost */
	__u64 args[DDV_LOG_MAX_ARGS];
	__u32 msg;			/* DDV_MSG_ID(pack, index); 0 for control records */
	__u16 cpu;
	__u8 kind;			/* enum ddv_logrec_kind */
	__u8 nargs;
};

/*
 * The runtime's own messages (pack 0). Message 0 means "no message". The
 * kernel side adds its own after these; the CLI's catalog for pack 0 must
 * follow this list.
 */
enum ddv_rtmsg {
	DDV_RTMSG_NONE,
	DDV_RTMSG_STORE_FULL,		/* type, key: an object could not be tracked */
	DDV_RTMSG_INDEX_FULL,		/* type, key: a contained object is not indexed */
	DDV_RTMSG_FAULT_INJECTED,	/* func, site, value returned, reason (inject_reason) */
	DDV_RTMSG_LOCK_DELAYED,		/* func, site, delay ns */
	DDV_RTMSG_CORE_COUNT		/* first id free for the kernel side */
};

#endif /* DDV_LOGREC_H */
