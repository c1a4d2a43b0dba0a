// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c: cost of the runtime core's hot paths in user space (run by
 * scripts/bench-runtime: cycles with rdtsc, instructions with callgrind).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <x86intrin.h>
#include <valgrind/callgrind.h>
#include "store.h"
#include "inject.h"
#include "logring.h"

static bool under_callgrind;
static bool huge_pages;

static inline u64 tsc(void)
{
	u64 t;

	_mm_lfence();
	t = __rdtsc();
	_mm_lfence();
	return t;
}

/* A phase's total: cycles (rdtsc) or, under callgrind, one dump of the loop alone. */
struct meter {
	const char *name;
	u64 cycles;
	u64 ops;
	/* Per-batch cycles/op: the machine is shared, so the median and the minimum say more than the mean. */
	double batch[4096];
	unsigned int nbatch;
};

static struct meter meters[16];
static unsigned int nmeters;

static struct meter *meter(const char *name)
{
	unsigned int i;

	for (i = 0; i < nmeters; i++)
		if (!strcmp(meters[i].name, name))
			return &meters[i];
	meters[nmeters].name = name;
	return &meters[nmeters++];
}

#define MEASURE(name, nops, ...)						\
	do {									\
		struct meter *m_ = meter(name);					\
		u64 t0_;							\
		if (under_callgrind)						\
			CALLGRIND_ZERO_STATS;					\
		t0_ = tsc();							\
		__VA_ARGS__;							\
		t0_ = tsc() - t0_;						\
		m_->cycles += t0_;						\
		m_->ops += (nops);						\
		if (m_->nbatch < 4096)						\
			m_->batch[m_->nbatch++] = (double)t0_ / (nops);		\
		if (under_callgrind)						\
			CALLGRIND_DUMP_STATS_AT(name);				\
	} while (0)

/* Distinct pointer-like keys: 64-byte aligned heap addresses (odd multiplier: a bijection). */
static inline u64 key_of(u64 i)
{
	return 0xffff888000000000ull + ((i * 0x9e3779b1ull) & ((1ull << 32) - 1)) * 64;
}

static void bench_store(u64 live, const char *tag, unsigned long rounds)
{
	u32 capacity = 64;
	struct store s;
	void *mem;
	size_t bytes;
	u64 i, batch = live / 10, r, seed = 1;
	static char names[2][4][64];
	int set = live > 1000;
	volatile int sink = 0;

	while (capacity < 2 * live)
		capacity <<= 1;
	bytes = store_mem_size(capacity);
	/* 2 MiB pages when asked: separates TLB misses from cache misses at 1M live. */
	bytes = (bytes + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
	mem = aligned_alloc(2u << 20, bytes);
	if (mem && huge_pages)
		madvise(mem, bytes, MADV_HUGEPAGE);
	if (!mem || store_init(&s, mem, bytes, capacity)) {
		fprintf(stderr, "bench: no memory for %u slots\n", capacity);
		exit(1);
	}
	for (i = 0; i < live; i++)
		store_insert(&s, 40, key_of(i), 1, 0, 0x1234, NULL, NULL);
	snprintf(names[set][0], 64, "store insert, %s live", tag);
	snprintf(names[set][1], 64, "store lookup (hit), %s live", tag);
	snprintf(names[set][2], 64, "store lookup (miss), %s live", tag);
	snprintf(names[set][3], 64, "store delete, %s live", tag);
	for (r = 0; r < rounds; r++) {
		u64 base = live + (r % 7) * batch;	/* new keys each round */
		/* Batches short enough to fall between two preemptions of a busy machine. */
		u64 look[1000];
		u64 n = batch < 1000 ? batch : 1000;

		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			look[i] = key_of((seed >> 33) % live);
		}
		MEASURE(names[set][0], n, {
			for (i = 0; i < n; i++)
				sink += store_insert(&s, 40, key_of(base + i), 1, 0, 0x1234, NULL, NULL);
		});
		MEASURE(names[set][1], n, {
			for (i = 0; i < n; i++)
				sink += store_lookup(&s, 40, look[i], NULL);
		});
		MEASURE(names[set][2], n, {
			for (i = 0; i < n; i++)
				sink += store_lookup(&s, 41, look[i], NULL);
		});
		MEASURE(names[set][3], n, {
			for (i = 0; i < n; i++)
				sink += store_delete(&s, 40, key_of(base + i), NULL);
		});
	}
	if (sink != (int)(rounds * ((batch < 1000 ? batch : 1000)) * -ENOENT)) {
		fprintf(stderr, "bench: store results wrong (%d)\n", sink);
		exit(1);
	}
	free(mem);
}

static void bench_config(unsigned long rounds)
{
	size_t bytes = store_mem_size(4096);
	void *mem = aligned_alloc(ENV_CACHELINE, bytes);
	static struct config c;
	struct store s;
	u64 i, r, sum = 0;

	store_init(&s, mem, bytes, 4096);
	config_init(&c, &s);
	/* 100 functions traced, the rest (thousands) not. */
	for (i = 0; i < 100; i++)
		config_set(&c, CONFIG_TRACE_LEVEL, i * 37, 2);
	for (r = 0; r < rounds; r++) {
		MEASURE("bloom config lookup, unset function", 10000, {
			for (i = 0; i < 10000; i++)
				sum += config_get(&c, CONFIG_TRACE_LEVEL, 5000 + i, 0);
		});
		MEASURE("bloom config lookup, set function", 100, {
			for (i = 0; i < 100; i++)
				sum += config_get(&c, CONFIG_TRACE_LEVEL, i * 37, 0);
		});
	}
	/* Unset ids read 0 (false positives fall through to the store and still read 0). */
	if (sum != rounds * 200) {
		fprintf(stderr, "bench: config results wrong\n");
		exit(1);
	}
	free(mem);
}

static void bench_inject(unsigned long rounds)
{
	size_t bytes = store_mem_size(4096);
	void *mem = aligned_alloc(ENV_CACHELINE, bytes);
	static struct config c;
	static struct inject_cpu cpus[1];
	static struct inject_state st;
	struct inject_verdict v;
	struct store s;
	u64 i, r, failed = 0;

	store_init(&s, mem, bytes, 4096);
	config_init(&c, &s);
	inject_init(&st, &c, cpus, 1, 1);
	for (r = 0; r < rounds; r++) {
		MEASURE("inject decision, nothing armed", 10000, {
			for (i = 0; i < 10000; i++) {
				struct inject_facts f = { .func = i % 300, .fault_class = DDV_FAULT_ALLOC,
							  .nfail = 1, .size = 64 };

				failed += inject_decide(&st, &f, &v);
			}
		});
	}
	if (failed) {
		fprintf(stderr, "bench: injected without a plan\n");
		exit(1);
	}
	free(mem);
}

static void bench_log(unsigned long rounds)
{
	static struct logring ring;
	static u8 out[1 << 20];
	u8 *mem = malloc(1 << 20);
	u64 clock = 1234567890123ull, p = 0xffff888004a3c000ull, i, r, text = 0, terse = 0, bin = 0, x = 1;
	u64 args[10000][4], ts[10000];
	char line[256];

	logring_init(&ring, mem, 1 << 20, 0);
	for (r = 0; r < rounds; r++) {
		/* A kmalloc trace: size, flags, returned pointer, call site. */
		for (i = 0; i < 10000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			clock += 800 + x % 4000;
			p += 64 * (x % 64);
			ts[i] = clock;
			args[i][0] = 64 << (x >> 20) % 6;
			args[i][1] = 0xcc0;
			args[i][2] = p;
			args[i][3] = 0x30 + (x >> 30) % 40 * 16;
			text += snprintf(line, sizeof(line),
					 "[%5llu.%06llu] ddv: cpu0 e1000: kmalloc(size=%llu, flags=0x%llx) = 0x%llx at e1000_setup_all_tx_resources+0x%llx\n",
					 (unsigned long long)(clock / 1000000000),
					 (unsigned long long)(clock / 1000 % 1000000),
					 (unsigned long long)args[i][0], 0xcc0ull,
					 (unsigned long long)p, (unsigned long long)args[i][3]);
			/* The tersest text that keeps the same facts: no names, hex, one space. */
			terse += snprintf(line, sizeof(line), "%llu.%09llu 0 kmalloc %llx %x %llx %llx\n",
					  (unsigned long long)(clock / 1000000000),
					  (unsigned long long)(clock % 1000000000),
					  (unsigned long long)args[i][0], 0xcc0,
					  (unsigned long long)p, (unsigned long long)args[i][3]);
		}
		MEASURE("log record (4 args), write", 10000, {
			for (i = 0; i < 10000; i++)
				logring_write(&ring, ts[i], DDV_MSG_ID(1, 3), 4, args[i]);
		});
		MEASURE("log drain + decode check, per record", 10000, {
			bin += logring_drain(&ring, out, sizeof(out));
		});
	}
	if (ring.dropped) {
		fprintf(stderr, "bench: log records dropped\n");
		exit(1);
	}
	printf("bytes per record: binary %.1f, text %.1f: %.1fx smaller; terse text %.1f: %.1fx\n",
	       (double)bin / (rounds * 10000), (double)text / (rounds * 10000), (double)text / bin,
	       (double)terse / (rounds * 10000), (double)terse / bin);
	free(mem);
}

/*
 * Two threads (two CPUs) insert and delete their own keys in one 1K-live
 * store at once: the cost when CPUs share segments and cache lines.
 */
struct pair_arg {
	struct store *s;
	unsigned int id;
	double batch[200];	/* cycles/op of each batch */
};

static int cmp_double(const void *a, const void *b);

static void *pair_thread(void *p)
{
	struct pair_arg *a = p;
	u64 i, r, t0;

	for (r = 0; r < 200; r++) {
		/* A batch: 100 pairs, short enough to fit between preemptions. */
		t0 = tsc();
		for (i = 0; i < 100; i++) {
			u64 key = key_of((a->id + 2) * 1000000 + r * 100 + i);

			store_insert(a->s, 40, key, 1, 0, 0, NULL, NULL);
			store_delete(a->s, 40, key, NULL);
		}
		a->batch[r] = (double)(tsc() - t0) / 200;
	}
	return NULL;
}

static void bench_store_threads(unsigned int nthreads)
{
	u32 capacity = 2048;
	size_t bytes = store_mem_size(capacity);
	void *mem = aligned_alloc(ENV_CACHELINE, bytes);
	struct pair_arg args[8];
	pthread_t th[8];
	struct store s;
	unsigned int i;
	u64 k;

	store_init(&s, mem, bytes, capacity);
	for (k = 0; k < 1000; k++)
		store_insert(&s, 40, key_of(k), 1, 0, 0, NULL, NULL);
	for (i = 0; i < nthreads; i++) {
		args[i] = (struct pair_arg){ .s = &s, .id = i };
		pthread_create(&th[i], NULL, pair_thread, &args[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		qsort(args[i].batch, 200, sizeof(double), cmp_double);
		printf("store insert/delete, 1K live, %u thread(s): thread %u: min %.1f median %.1f cycles/op\n",
		       nthreads, i, args[i].batch[0], args[i].batch[100]);
	}
	free(mem);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned int i;

	under_callgrind = RUNNING_ON_VALGRIND;
	huge_pages = argc > 1 && !strcmp(argv[1], "--huge-pages");
	/* Under callgrind one round of each phase is enough: instruction counts do not vary. */
	bench_store(1000, "1K", under_callgrind ? 20 : 2000);
	bench_store(1000000, "1M", under_callgrind ? 20 : 400);
	bench_config(under_callgrind ? 5 : 500);
	bench_inject(under_callgrind ? 5 : 500);
	bench_log(under_callgrind ? 2 : 100);
	if (!under_callgrind) {
		bench_store_threads(1);
		bench_store_threads(2);
		printf("%-42s %9s %9s %9s\n", "operation", "min", "median", "mean");
		for (i = 0; i < nmeters; i++) {
			struct meter *m = &meters[i];

			qsort(m->batch, m->nbatch, sizeof(double), cmp_double);
			printf("%-42s %9.1f %9.1f %9.1f\n", m->name, m->batch[0],
			       m->batch[m->nbatch / 2], (double)m->cycles / m->ops);
		}
	} else {
		for (i = 0; i < nmeters; i++)
			printf("ops %s=%llu\n", meters[i].name, (unsigned long long)meters[i].ops);
	}
	return 0;
}
