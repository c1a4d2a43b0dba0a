// SPDX-License-Identifier: GPL-2.0
/* logring.c: the compact record codec, the per-CPU rings and the stream decoder. */
#include "logring.h"

_Static_assert(DDV_LOG_MAX_ARGS == 6, "the head byte holds nargs 0..6");

/* Bytes of a uvarint by the value's bit length: a table, no division on the hot path. */
static const u8 uvarint_bytes[65] = {
	1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3,
	4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6,
	7, 7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 10,
};

static inline unsigned int uvarint_len(u64 v)
{
	return uvarint_bytes[64 - __builtin_clzll(v | 1)];
}

static inline u8 *put_uvarint(u8 *p, u64 v)
{
	while (v >= 0x80) {
		*p++ = (u8)v | 0x80;
		v >>= 7;
	}
	*p++ = (u8)v;
	return p;
}

static inline u64 zigzag(u64 v)
{
	return (v << 1) ^ (u64)((s64)v >> 63);
}

static inline u64 unzigzag(u64 z)
{
	return (z >> 1) ^ -(z & 1);
}

static int get_uvarint(const u8 **pp, const u8 *end, u64 *v)
{
	const u8 *p = *pp;
	unsigned int shift = 0;
	u64 x = 0;

	while (p < end) {
		u8 b = *p++;

		if (shift == 63 && b > 1)
			return -EPROTO;		/* more than 64 bits */
		x |= (u64)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			*pp = p;
			return 0;
		}
		shift += 7;
		if (shift > 63)
			return -EPROTO;
	}
	return -EPROTO;
}

/* Literals this big become the reference: the next nearby pointer is then a small delta. */
#define REF_LITERAL_MIN (1ull << 32)

unsigned int logrec_encode(u8 *p, u64 dt_from, u64 ts, u64 *ref, u32 msg,
			   unsigned int nargs, const u64 *args)
{
	u32 pack = msg >> 16, index = msg & 0xffff;
	u64 r = *ref;
	u8 *q = p, *tags;
	unsigned int i, tagbits = 0;

	*q++ = (u8)nargs;
	q = put_uvarint(q, (u64)index << 4 | (pack < 15 ? pack : 15));
	if (pack >= 15)
		q = put_uvarint(q, pack - 15);
	q = put_uvarint(q, zigzag(ts - dt_from));
	tags = q;
	q += (nargs + 3) / 4;
	for (i = 0; i < nargs; i++) {
		u64 v = args[i], lit, del;
		unsigned int tag;

		lit = zigzag(v);
		if (v == r) {
			tag = 2;
		} else if (lit < 0x80) {
			tag = 0;		/* one byte: nothing is shorter */
			*q++ = (u8)lit;
		} else {
			del = zigzag(v - r);
			if (uvarint_len(del) < uvarint_len(lit)) {
				tag = 1;
				q = put_uvarint(q, del);
				r = v;
			} else {
				tag = 0;
				q = put_uvarint(q, lit);
				if (lit >= REF_LITERAL_MIN)
					r = v;
			}
		}
		tagbits |= tag << (2 * i);
	}
	if (nargs)
		tags[0] = (u8)tagbits;
	if (nargs > 4)
		tags[1] = (u8)(tagbits >> 8);
	*ref = r;
	return q - p;
}

int logrec_decode(const u8 *p, size_t len, u64 *ts, u64 *ref, struct ddv_logrec *out)
{
	const u8 *q = p, *end = p + len, *tags;
	unsigned int head, nargs, i;
	u64 code, extra, dt, r = *ref;

	if (len < 1)
		return -EPROTO;
	head = *q++;
	nargs = head & 7;
	if (nargs == DDV_LOG_HEAD_CONTROL) {
		if (head >> 3 != DDV_LOG_CTL_DROP || get_uvarint(&q, end, &code))
			return -EPROTO;
		memset(out, 0, sizeof(*out));
		out->kind = DDV_LOGREC_DROP;
		out->dropped = code;
		out->ts = *ts;
		return q - p;
	}
	if (head >> 3 || nargs > DDV_LOG_MAX_ARGS)
		return -EPROTO;
	if (get_uvarint(&q, end, &code) || code >> 4 > 0xffff)
		return -EPROTO;
	if ((code & 15) == 15) {
		if (get_uvarint(&q, end, &extra) || extra > 0xffff - 15)
			return -EPROTO;
		code = code >> 4 | (15 + extra) << 16;
	} else {
		code = code >> 4 | (code & 15) << 16;
	}
	if (get_uvarint(&q, end, &dt))
		return -EPROTO;
	tags = q;
	q += (nargs + 3) / 4;
	if (q > end)
		return -EPROTO;
	for (i = 0; i < nargs; i++) {
		unsigned int tag = tags[i / 4] >> (2 * (i % 4)) & 3;
		u64 z;

		switch (tag) {
		case 0:
			if (get_uvarint(&q, end, &z))
				return -EPROTO;
			out->args[i] = unzigzag(z);
			if (z >= REF_LITERAL_MIN)
				r = out->args[i];
			break;
		case 1:
			if (get_uvarint(&q, end, &z))
				return -EPROTO;
			r += unzigzag(z);
			out->args[i] = r;
			break;
		case 2:
			out->args[i] = r;
			break;
		default:
			return -EPROTO;
		}
	}
	/* Unused tag bits must be 0: one more chance to catch garbage. */
	if (nargs % 4 && tags[nargs / 4] >> (2 * (nargs % 4)))
		return -EPROTO;
	for (; i < DDV_LOG_MAX_ARGS; i++)
		out->args[i] = 0;
	*ts += unzigzag(dt);
	*ref = r;
	out->ts = *ts;
	out->dropped = 0;
	out->msg = (u32)code;
	out->cpu = 0;		/* the frame's: set by logdec_next() */
	out->kind = DDV_LOGREC_EVENT;
	out->nargs = nargs;
	return q - p;
}

/* --- the rings --- */

int logring_init(struct logring *r, void *mem, u32 size, u16 cpu)
{
	if (size < 256 || (size & (size - 1)) || !mem)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->buf = mem;
	r->size = size;
	r->mask = size - 1;
	r->cpu = cpu;
	return 0;
}

bool logring_write(struct logring *r, u64 ts, u32 msg, unsigned int nargs, const u64 *args)
{
	u64 head = r->head, ref = r->w_ref;
	u64 tail = ENV_LOAD_ACQUIRE(r->tail);
	u32 off = head & r->mask;
	unsigned int len;

	if (unlikely(nargs > DDV_LOG_MAX_ARGS))
		nargs = DDV_LOG_MAX_ARGS;
	if (likely(r->size - off >= DDV_LOG_REC_MAX &&
		   r->size - (head - tail) >= DDV_LOG_REC_MAX)) {
		/* Room for the longest record without wrapping: encode in place. */
		len = logrec_encode(r->buf + off, r->w_ts, ts, &ref, msg, nargs, args);
	} else {
		u8 tmp[DDV_LOG_REC_MAX];
		u32 first;

		len = logrec_encode(tmp, r->w_ts, ts, &ref, msg, nargs, args);
		if (r->size - (head - tail) < len) {
			ENV_ADD(r->dropped, 1);
			return false;
		}
		first = r->size - off < len ? r->size - off : len;
		memcpy(r->buf + off, tmp, first);
		memcpy(r->buf, tmp + first, len - first);
	}
	r->w_ts = ts;
	r->w_ref = ref;
	r->written++;
	ENV_STORE_RELEASE(r->head, head + len);
	return true;
}

bool logring_log(struct logring *rings, unsigned int nrings, u32 msg,
		 unsigned int nargs, const u64 *args)
{
	env_irqflags_t flags;
	unsigned int cpu;
	bool ok;

	env_irq_save(flags);
	cpu = env_cpu_id();
	if (likely(cpu < nrings)) {
		ok = logring_write(&rings[cpu], env_now_ns(), msg, nargs, args);
	} else {
		ENV_ADD(rings[0].dropped, 1);
		ok = false;
	}
	env_irq_restore(flags);
	return ok;
}

/* Copies n bytes at stream position pos out of the ring. */
static void ring_copy_out(const struct logring *r, u64 pos, u8 *to, u32 n)
{
	u32 off = pos & r->mask;
	u32 first = r->size - off < n ? r->size - off : n;

	memcpy(to, r->buf + off, first);
	memcpy(to + first, r->buf, n - first);
}

#define FRAME_HDR_MAX (DDV_LOG_FRAME_HDR + 3 + 10 + 10)
#define DROP_REC_MAX 11
_Static_assert(LOGRING_DRAIN_MIN == FRAME_HDR_MAX + DDV_LOG_REC_MAX + DROP_REC_MAX, "");

size_t logring_drain(struct logring *r, void *out, size_t len)
{
	u8 *o = out, *q, *body_end;
	u64 head = ENV_LOAD_ACQUIRE(r->head), tail = r->tail;
	u64 dropped = ENV_READ(r->dropped);
	u64 drops = dropped - r->drops_reported;
	u64 ts = r->r_ts, ref = r->r_ref;
	bool wrote = false;
	u32 body;

	if (head == tail && !drops)
		return 0;
	if (len > DDV_LOG_FRAME_MAX)
		len = DDV_LOG_FRAME_MAX;
	if (len < LOGRING_DRAIN_MIN)
		return 0;
	body_end = o + len - DROP_REC_MAX;	/* keep room for the DROP record */
	q = o + DDV_LOG_FRAME_HDR;
	q = put_uvarint(q, r->cpu);
	q = put_uvarint(q, ts);
	q = put_uvarint(q, ref);
	while (tail != head) {
		u8 tmp[DDV_LOG_REC_MAX];
		struct ddv_logrec rec;
		u64 ts2 = ts, ref2 = ref;
		u32 n = head - tail < DDV_LOG_REC_MAX ? head - tail : DDV_LOG_REC_MAX;
		int rl;

		ring_copy_out(r, tail, tmp, n);
		rl = logrec_decode(tmp, n, &ts2, &ref2, &rec);
		if (unlikely(rl < 0)) {
			/* Cannot happen unless memory was overwritten: count what is lost. */
			ENV_ADD(r->dropped, 1);
			tail = head;
			break;
		}
		if (q + rl > body_end)
			break;
		memcpy(q, tmp, rl);
		q += rl;
		tail += rl;
		ts = ts2;
		ref = ref2;
		wrote = true;
	}
	if (drops) {
		*q++ = DDV_LOG_HEAD_CONTROL | DDV_LOG_CTL_DROP << 3;
		q = put_uvarint(q, drops);
		r->drops_reported = dropped;
		wrote = true;
	}
	r->r_ts = ts;
	r->r_ref = ref;
	ENV_STORE_RELEASE(r->tail, tail);
	if (!wrote)
		return 0;
	body = q - (o + DDV_LOG_FRAME_HDR);
	o[0] = DDV_LOG_FRAME_MAGIC;
	o[1] = body;
	o[2] = body >> 8;
	o[3] = body >> 16;
	o[4] = body >> 24;
	o[5] = DDV_LOG_FRAME_CHECK ^ o[1] ^ o[2] ^ o[3] ^ o[4];
	return q - o;
}

size_t logring_drain_all(struct logring *rings, unsigned int nrings, void *out, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < nrings; i++)
		done += logring_drain(&rings[i], (u8 *)out + done, len - done);
	return done;
}

/* --- the stream decoder --- */

void logdec_init(struct logdec *d, const void *buf, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->p = buf;
	d->end = d->p + len;
}

/* A plausible frame header at p: magic, check, sane length. Returns the body length or -1. */
static s64 frame_header(const u8 *p, const u8 *end)
{
	u32 body;

	if (end - p < DDV_LOG_FRAME_HDR || p[0] != DDV_LOG_FRAME_MAGIC)
		return -1;
	if ((p[1] ^ p[2] ^ p[3] ^ p[4] ^ DDV_LOG_FRAME_CHECK) != p[5])
		return -1;
	body = p[1] | p[2] << 8 | p[3] << 16 | (u32)p[4] << 24;
	if (body > DDV_LOG_FRAME_MAX)
		return -1;
	return body;
}

/* Skips to the next plausible frame header at or after from. */
static int logdec_resync(struct logdec *d, const u8 *from)
{
	const u8 *p = from;

	while (p < d->end && frame_header(p, d->end) < 0)
		p++;
	d->skipped_bytes += p - d->p;
	d->errors++;
	d->p = p;
	d->frame_end = NULL;
	return -EPROTO;
}

int logdec_next(struct logdec *d, struct ddv_logrec *out)
{
	for (;;) {
		if (d->frame_end) {
			int n;

			if (d->p >= d->frame_end) {
				d->frame_end = NULL;
				continue;
			}
			n = logrec_decode(d->p, d->frame_end - d->p, &d->ts, &d->ref, out);
			if (n < 0)
				return logdec_resync(d, d->p + 1);
			d->p += n;
			out->cpu = d->cpu;
			d->records++;
			return 1;
		}
		if (d->p >= d->end)
			return 0;
		{
			s64 body = frame_header(d->p, d->end);
			const u8 *q;
			u64 cpu;

			if (body < 0)
				return logdec_resync(d, d->p + 1);
			q = d->p + DDV_LOG_FRAME_HDR;
			/* A frame cut short: decode the records that are whole. */
			d->frame_end = (u64)(d->end - q) < (u64)body ? d->end : q + body;
			d->frame_start = d->p;
			if (get_uvarint(&q, d->frame_end, &cpu) || cpu > 0xffff ||
			    get_uvarint(&q, d->frame_end, &d->ts) ||
			    get_uvarint(&q, d->frame_end, &d->ref))
				return logdec_resync(d, d->frame_start + 1);
			d->cpu = (u16)cpu;
			d->p = q;
			d->frames++;
		}
	}
}
