/* SPDX-License-Identifier: GPL-2.0 */
/*
 * logring.h: per-CPU rings of compact binary log records, and the decoder.
 *
 * Contract.
 * - One ring per CPU, one producer per ring: the producer is whoever runs on
 *   that CPU with interrupts off (logring_log() does that itself: irq-save,
 *   pick the CPU's ring, encode, restore), so process, softirq and hardirq
 *   code may all log. Nothing blocks; nothing allocates (the ring's memory is
 *   handed in).
 * - A full ring drops the record and counts it (struct logring.dropped); the
 *   next drain of that ring appends a DROP record with the count, so a reader
 *   always learns how many records it lost, on which CPU, and roughly where.
 * - One consumer at a time per ring (the caller serializes drains, e.g. with
 *   a mutex): logring_drain() moves whole records into a frame in a plain
 *   buffer (format: ddv/logrec.h), never a partial record.
 * - The decoder (logdec_*) reads any byte string, whole or truncated or
 *   garbage: it never reads outside the buffer, never loops, and reports what
 *   it skipped.
 */
#ifndef DDV_CORE_LOGRING_H
#define DDV_CORE_LOGRING_H

#include "env.h"
#include <ddv/logrec.h>

struct logring {
	u8 *buf;
	u32 size;		/* a power of two */
	u32 mask;
	u16 cpu;
	/* Producer side. */
	u64 head __env_aligned(ENV_CACHELINE);	/* bytes written, ever */
	u64 w_ts;		/* last record's time */
	u64 w_ref;		/* the reference register after the last record */
	u64 written;		/* records written */
	u64 dropped;		/* records lost because the ring was full */
	/* Consumer side. */
	u64 tail __env_aligned(ENV_CACHELINE);	/* bytes consumed, ever */
	u64 r_ts;		/* state after the last consumed record */
	u64 r_ref;
	u64 drops_reported;
};

/* size: a power of two, >= 256. -EINVAL otherwise. */
int logring_init(struct logring *r, void *mem, u32 size, u16 cpu);

/*
 * Encodes one event into the ring. The caller is the ring's only producer at
 * this moment (interrupts off in the kernel). false: dropped (counted).
 */
bool logring_write(struct logring *r, u64 ts, u32 msg, unsigned int nargs, const u64 *args);

/*
 * Logs from any context: interrupts off, this CPU's ring (rings[cpu],
 * cpu < nrings, else the record is dropped on ring 0's count), time from
 * env_now_ns().
 */
bool logring_log(struct logring *rings, unsigned int nrings, u32 msg,
		 unsigned int nargs, const u64 *args);

/*
 * Moves whole records (and a DROP record when some were lost) into one frame
 * at out. Returns the frame's size; 0 when nothing waits or when
 * len < LOGRING_DRAIN_MIN (a longest header, record and DROP record: any
 * len >= LOGRING_DRAIN_MIN makes progress).
 */
#define LOGRING_DRAIN_MIN (6 + 23 + 96 + 11)
size_t logring_drain(struct logring *r, void *out, size_t len);
/* Drains every ring in turn into out, frames back to back; returns bytes. */
size_t logring_drain_all(struct logring *rings, unsigned int nrings, void *out, size_t len);
/* Bytes waiting in the ring. */
static inline u64 logring_pending(struct logring *r)
{
	return ENV_LOAD_ACQUIRE(r->head) - ENV_READ(r->tail);
}

/* Encoding of one record at p (room for DDV_LOG_REC_MAX); updates *ref; returns bytes. */
unsigned int logrec_encode(u8 *p, u64 dt_from, u64 ts, u64 *ref, u32 msg,
			   unsigned int nargs, const u64 *args);
/*
 * Decodes one record at p (at most len bytes), relative to *ts and *ref which
 * it advances. Returns bytes used, or -EPROTO (garbage or cut short).
 */
int logrec_decode(const u8 *p, size_t len, u64 *ts, u64 *ref, struct ddv_logrec *out);

/* The stream decoder. */
struct logdec {
	const u8 *p;
	const u8 *end;
	const u8 *frame_start;
	const u8 *frame_end;	/* NULL between frames */
	u64 ts;
	u64 ref;
	u16 cpu;
	u64 records;
	u64 frames;
	u64 errors;		/* frames or stretches of garbage skipped */
	u64 skipped_bytes;
};

void logdec_init(struct logdec *d, const void *buf, size_t len);
/*
 * 1: *out holds the next record. 0: end of input. -EPROTO: garbage or a
 * truncated frame was skipped (counted in errors/skipped_bytes); call again.
 */
int logdec_next(struct logdec *d, struct ddv_logrec *out);

#endif /* DDV_CORE_LOGRING_H */
