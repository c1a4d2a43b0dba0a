// SPDX-License-Identifier: GPL-2.0
/* test_logring.c: record codec, per-CPU rings (wrap, overflow, threads) and the decoder on garbage. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "logring.h"

static u64 rng = 0x2545f4914f6cdd1dull;
static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Values that stress every branch of the argument coding. */
static u64 random_arg(u64 prev)
{
	switch (rnd() % 8) {
	case 0: return rnd() % 100;
	case 1: return -(u64)(rnd() % 200);			/* -errno */
	case 2: return 0xffff888000000000ull + (rnd() % (1u << 24)) * 64;	/* heap pointer */
	case 3: return prev + rnd() % 4096;		/* near the previous one */
	case 4: return prev;
	case 5: return rnd();
	case 6: return rnd() & 1 ? 0 : ~0ull;
	default: return 1ull << (rnd() % 64);
	}
}

struct ev {
	u64 ts;
	u32 msg;
	unsigned int nargs;
	u64 args[6];
};

static void random_ev(struct ev *e, u64 *clock)
{
	u64 prev = 0xffff888004a3c000ull;

	*clock += rnd() % 3 ? rnd() % 5000 : rnd() % (1ull << 40);
	e->ts = *clock;
	e->msg = DDV_MSG_ID(rnd() % 4 ? rnd() % 20 : rnd() % 65536, rnd() % 4 ? rnd() % 300 : rnd() % 65536);
	e->nargs = rnd() % 7;
	for (unsigned int i = 0; i < e->nargs; i++)
		e->args[i] = prev = random_arg(prev);
}

static void assert_same(const struct ev *e, const struct ddv_logrec *r, u16 cpu)
{
	cr_assert_eq(r->kind, DDV_LOGREC_EVENT);
	cr_assert_eq(r->msg, e->msg);
	cr_assert_eq(r->ts, e->ts);
	cr_assert_eq(r->nargs, e->nargs);
	cr_assert_eq(r->cpu, cpu);
	for (unsigned int i = 0; i < e->nargs; i++)
		cr_assert_eq(r->args[i], e->args[i], "arg %u: %llx != %llx", i,
			     (unsigned long long)r->args[i], (unsigned long long)e->args[i]);
}

Test(logrec, codec_round_trip)
{
	u8 buf[DDV_LOG_REC_MAX];
	u64 clock = 1000, ts_e = 0, ref_e = 0, ts_d = 0, ref_d = 0;
	unsigned int n, maxlen = 0;

	for (n = 0; n < 200000; n++) {
		struct ev e;
		struct ddv_logrec r;
		unsigned int len;

		random_ev(&e, &clock);
		len = logrec_encode(buf, ts_e, e.ts, &ref_e, e.msg, e.nargs, e.args);
		ts_e = e.ts;
		cr_assert_leq(len, DDV_LOG_REC_MAX);
		if (len > maxlen)
			maxlen = len;
		cr_assert_eq(logrec_decode(buf, len, &ts_d, &ref_d, &r), (int)len);
		assert_same(&e, &r, 0);
		cr_assert_eq(ref_d, ref_e);
		/* Every cut short version is refused. */
		if (n < 2000)
			for (unsigned int cut = 0; cut < len; cut++) {
				u64 t = 0, f = 0;

				cr_assert_eq(logrec_decode(buf, cut, &t, &f, &r), -EPROTO);
			}
	}
	cr_assert_gt(maxlen, 60);	/* the extremes were reached */
}

static struct logring *new_ring(u32 size, u16 cpu)
{
	struct logring *r = calloc(1, sizeof(*r));

	cr_assert_eq(logring_init(r, malloc(size), size, cpu), 0);
	return r;
}

Test(logring, init_rejects_bad_sizes)
{
	struct logring r;
	static u8 mem[4096];

	cr_assert_eq(logring_init(&r, mem, 100, 0), -EINVAL);
	cr_assert_eq(logring_init(&r, mem, 128, 0), -EINVAL);
	cr_assert_eq(logring_init(&r, NULL, 256, 0), -EINVAL);
	cr_assert_eq(logring_init(&r, mem, 4096, 0), 0);
}

/* Writes and drains interleaved over a small ring: wrap-around, whole frames, exact order. */
Test(logring, write_drain_decode_wraps)
{
	struct logring *ring = new_ring(512, 3);
	static struct ev evs[20000];
	static u8 out[1 << 16];
	u64 clock = 5000;
	unsigned int w = 0, rd = 0, i;

	while (w < 20000) {
		unsigned int burst = rnd() % 8 + 1;
		size_t len;
		struct logdec d;
		struct ddv_logrec r;
		int ret;

		for (i = 0; i < burst && w < 20000; i++) {
			random_ev(&evs[w], &clock);
			if (!logring_write(ring, evs[w].ts, evs[w].msg, evs[w].nargs, evs[w].args))
				break;
			w++;
		}
		/* A random, sometimes tiny, buffer: progress whenever it is >= LOGRING_DRAIN_MIN. */
		len = logring_drain(ring, out, LOGRING_DRAIN_MIN + rnd() % 400);
		logdec_init(&d, out, len);
		while ((ret = logdec_next(&d, &r)) == 1)
			assert_same(&evs[rd++], &r, 3);
		cr_assert_eq(ret, 0);
		cr_assert_eq(d.errors, 0);
	}
	while (logring_pending(ring)) {
		size_t len = logring_drain(ring, out, sizeof(out));
		struct logdec d;
		struct ddv_logrec r;

		logdec_init(&d, out, len);
		while (logdec_next(&d, &r) == 1)
			assert_same(&evs[rd++], &r, 3);
	}
	cr_assert_eq(rd, w);
	cr_assert_eq(ring->dropped, 0);
	cr_assert_eq(logring_drain(ring, out, sizeof(out)), 0);
}

/* A full ring drops, counts, and the reader is told how many on which CPU. */
Test(logring, overflow_is_counted_and_reported)
{
	struct logring *ring = new_ring(256, 7);
	static u8 out[4096];
	u64 args[6] = { 1, 2, 3, 4, 5, 6 };
	unsigned int ok = 0, lost = 0, i, got = 0, drops_seen = 0;
	u64 dropped_rec = 0;
	struct logdec d;
	struct ddv_logrec r;
	size_t len;

	for (i = 0; i < 100; i++) {
		args[0] = i;
		if (logring_write(ring, 1000 + i, DDV_MSG_ID(1, 5), 6, args))
			ok++;
		else
			lost++;
	}
	cr_assert_gt(lost, 0);
	cr_assert_eq(ring->dropped, lost);
	len = logring_drain(ring, out, sizeof(out));
	logdec_init(&d, out, len);
	while (logdec_next(&d, &r) == 1) {
		cr_assert_eq(r.cpu, 7);
		if (r.kind == DDV_LOGREC_DROP) {
			drops_seen++;
			dropped_rec += r.dropped;
		} else {
			cr_assert_eq(r.args[0], got);	/* the first ones were kept, in order */
			got++;
		}
	}
	cr_assert_eq(got, ok);
	cr_assert_eq(drops_seen, 1);
	cr_assert_eq(dropped_rec, lost);
	/* Reported once: the next drain has nothing. */
	cr_assert_eq(logring_drain(ring, out, sizeof(out)), 0);
	/* More loss later is reported again, alone if nothing else waits. */
	for (i = 0; i < 100; i++)
		logring_write(ring, 5000 + i, DDV_MSG_ID(1, 5), 6, args);
	len = logring_drain(ring, out, sizeof(out));
	logdec_init(&d, out, len);
	dropped_rec = 0;
	while (logdec_next(&d, &r) == 1)
		if (r.kind == DDV_LOGREC_DROP)
			dropped_rec += r.dropped;
	cr_assert_eq(dropped_rec, ring->dropped - lost);
}

Test(logring, log_picks_this_cpus_ring)
{
	static struct logring rings[2];
	static u8 mem[2][1024], out[8192];
	struct logdec d;
	struct ddv_logrec r;
	size_t len;
	unsigned int cpu0 = 0, cpu1 = 0;

	logring_init(&rings[0], mem[0], 1024, 0);
	logring_init(&rings[1], mem[1], 1024, 1);
	env_set_cpu_id(1);
	cr_assert(logring_log(rings, 2, DDV_MSG_ID(0, 2), 1, (u64[]){ 11 }));
	env_set_cpu_id(0);
	cr_assert(logring_log(rings, 2, DDV_MSG_ID(0, 2), 1, (u64[]){ 10 }));
	env_set_cpu_id(5);	/* no ring: dropped, counted */
	cr_assert(!logring_log(rings, 2, DDV_MSG_ID(0, 2), 1, (u64[]){ 99 }));
	len = logring_drain_all(rings, 2, out, sizeof(out));
	logdec_init(&d, out, len);
	while (logdec_next(&d, &r) == 1) {
		if (r.kind == DDV_LOGREC_DROP) {
			cr_assert_eq(r.cpu, 0);
			cr_assert_eq(r.dropped, 1);
			continue;
		}
		cr_assert_eq(r.args[0], 10 + r.cpu);
		cr_assert_gt(r.ts, 0);
		if (r.cpu)
			cpu1++;
		else
			cpu0++;
	}
	cr_assert_eq(cpu0, 1);
	cr_assert_eq(cpu1, 1);
	cr_assert_eq(d.frames, 2);
}

/* --- the decoder on hostile input --- */

static size_t make_stream(u8 *out, size_t cap, struct ev *evs, unsigned int *nev)
{
	struct logring *ring = new_ring(1 << 16, 2);
	u64 clock = 777;
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < *nev; i++) {
		random_ev(&evs[i], &clock);
		cr_assert(logring_write(ring, evs[i].ts, evs[i].msg, evs[i].nargs, evs[i].args));
		if (i % 50 == 49)	/* several frames */
			len += logring_drain(ring, out + len, cap - len);
	}
	len += logring_drain(ring, out + len, cap - len);
	return len;
}

/* Decodes everything; returns records; checks termination and bounds. */
static unsigned int decode_all(const u8 *buf, size_t len, struct logdec *d)
{
	struct ddv_logrec r;
	unsigned int n = 0, calls = 0;
	int ret;

	logdec_init(d, buf, len);
	while ((ret = logdec_next(d, &r)) != 0) {
		cr_assert(ret == 1 || ret == -EPROTO);
		n += ret == 1;
		cr_assert_leq(++calls, len + 1, "decoder does not advance");
		if (ret == 1)
			cr_assert_leq(r.nargs, 6);
	}
	cr_assert_leq(d->skipped_bytes, len);
	return n;
}

Test(logdec, truncated_stream_gives_a_correct_prefix)
{
	static u8 buf[1 << 16];
	static struct ev evs[300];
	unsigned int nev = 300;
	size_t len = make_stream(buf, sizeof(buf), evs, &nev), cut;

	for (cut = 0; cut <= len; cut++) {
		/* A copy of exactly cut bytes: valgrind/ASan would see any read past it. */
		u8 *p = malloc(cut + 1);
		struct logdec d;
		struct ddv_logrec r;
		unsigned int n = 0;
		int ret;

		memcpy(p, buf, cut);
		logdec_init(&d, p, cut);
		while ((ret = logdec_next(&d, &r)) != 0) {
			if (ret == 1)
				assert_same(&evs[n++], &r, 2);
		}
		if (cut == len) {
			cr_assert_eq(n, nev);
			cr_assert_eq(d.errors, 0);
		} else if (cut > 0) {
			cr_assert_lt(n, nev);
		}
		free(p);
	}
}

Test(logdec, garbage_never_crashes_or_loops)
{
	static u8 buf[1 << 16];
	unsigned int i;

	for (i = 0; i < 3000; i++) {
		size_t len = rnd() % 2000;
		struct logdec d;

		for (size_t j = 0; j < len; j++) {
			u64 x = rnd();

			/* Bias towards plausible bytes: magic, small varints, heads. */
			buf[j] = x % 4 == 0 ? DDV_LOG_FRAME_MAGIC : x % 4 == 1 ? (x >> 8) % 8 : (u8)(x >> 16);
		}
		decode_all(buf, len, &d);
	}
}

Test(logdec, corrupted_stream_recovers)
{
	static u8 buf[1 << 16], bad[1 << 16];
	static struct ev evs[400];
	unsigned int nev = 400, round;
	size_t len = make_stream(buf, sizeof(buf), evs, &nev);
	struct logdec d;

	cr_assert_eq(decode_all(buf, len, &d), nev);
	cr_assert_eq(d.errors, 0);
	for (round = 0; round < 500; round++) {
		unsigned int flips = rnd() % 4 + 1, n;

		memcpy(bad, buf, len);
		while (flips--)
			bad[rnd() % len] ^= 1 << (rnd() % 8);
		n = decode_all(bad, len, &d);
		/* Damage costs at most the frames it hit: most records come through. */
		cr_assert_geq(n + d.errors * 60, nev / 2, "round %u: %u records", round, n);
	}
	/* Garbage in front and between: skipped, counted, every record found. */
	memset(bad, 0x17, 100);
	memcpy(bad + 100, buf, len);
	cr_assert_eq(decode_all(bad, len + 100, &d), nev);
	cr_assert_eq(d.skipped_bytes, 100);
	cr_assert_eq(d.errors, 1);
}

/* --- threads: one producer per ring, a concurrent reader --- */

struct prod_arg {
	struct logring *rings;
	unsigned int cpu;
	unsigned long n;
};

static void *producer(void *p)
{
	struct prod_arg *a = p;
	unsigned long i;

	env_set_cpu_id(a->cpu);
	for (i = 0; i < a->n; i++)
		logring_log(a->rings, 2, DDV_MSG_ID(1, 1), 3,
			    (u64[]){ i, 0xffff888000000000ull + i * 64, a->cpu });
	return NULL;
}

static volatile int producers_done;

Test(logring, threads_reader_sees_everything_or_its_loss, .timeout = 60)
{
	static struct logring rings[2];
	static u8 mem[2][4096], out[1 << 15];
	struct prod_arg args[2];
	pthread_t th[2];
	u64 next[2] = { 0, 0 }, lost[2] = { 0, 0 }, got[2] = { 0, 0 };
	const unsigned long N = 300000;
	int pass;

	for (int c = 0; c < 2; c++) {
		logring_init(&rings[c], mem[c], 4096, c);
		args[c] = (struct prod_arg){ rings, c, N };
		pthread_create(&th[c], NULL, producer, &args[c]);
	}
	for (pass = 0; pass < 2; pass++) {
		for (;;) {
			size_t len = logring_drain_all(rings, 2, out, sizeof(out));
			struct logdec d;
			struct ddv_logrec r;

			logdec_init(&d, out, len);
			while (logdec_next(&d, &r) == 1) {
				if (r.kind == DDV_LOGREC_DROP) {
					lost[r.cpu] += r.dropped;
					continue;
				}
				cr_assert_eq(r.args[2], r.cpu);
				/* In order; a gap only where records were lost. */
				cr_assert_geq(r.args[0], next[r.cpu]);
				cr_assert_eq(r.args[1], 0xffff888000000000ull + r.args[0] * 64);
				next[r.cpu] = r.args[0] + 1;
				got[r.cpu]++;
			}
			cr_assert_eq(d.errors, 0);
			if (!len)
				break;
		}
		if (pass == 0) {
			pthread_join(th[0], NULL);
			pthread_join(th[1], NULL);
		}
	}
	for (int c = 0; c < 2; c++)
		cr_assert_eq(got[c] + lost[c], N, "cpu %d: got %llu lost %llu", c,
			     (unsigned long long)got[c], (unsigned long long)lost[c]);
}

/* Size: a kmalloc/kfree trace is much smaller than the same events as text. */
Test(logring, binary_is_8x_smaller_than_text)
{
	struct logring *ring = new_ring(1 << 20, 0);
	static u8 out[1 << 20];
	char line[256];
	u64 text = 0, clock = 1234567890123ull, p = 0xffff888004a3c000ull;
	unsigned int i;
	size_t bin;

	for (i = 0; i < 10000; i++) {
		u64 size = 64 << (rnd() % 6), site = 0x30 + rnd() % 40 * 16, a[4];

		clock += 800 + rnd() % 4000;
		p += 64 * (rnd() % 64);
		/* kmalloc(size, GFP_KERNEL) = p at site; what a text log would print. */
		a[0] = size;
		a[1] = 0xcc0;
		a[2] = p;
		a[3] = site;
		logring_write(ring, clock, DDV_MSG_ID(1, 3), 4, a);
		text += snprintf(line, sizeof(line),
				 "[%5llu.%06llu] ddv: cpu0 e1000: kmalloc(size=%llu, flags=0x%llx) = 0x%llx at e1000_setup_all_tx_resources+0x%llx\n",
				 (unsigned long long)(clock / 1000000000), (unsigned long long)(clock / 1000 % 1000000),
				 (unsigned long long)size, 0xcc0ull, (unsigned long long)p, (unsigned long long)site);
	}
	bin = logring_drain(ring, out, sizeof(out));
	cr_assert_gt(bin, 0);
	cr_log_info("binary %zu bytes, text %llu bytes: %.1fx", bin, (unsigned long long)text,
		    (double)text / bin);
	cr_assert_geq(text, 8 * bin, "binary %zu, text %llu", bin, (unsigned long long)text);
}
