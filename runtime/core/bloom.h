/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bloom.h: a blocked Bloom filter over 64-bit ids (function ids, message ids).
 *
 * Contract. bloom_maybe() answers "may this id have been added?" with one
 * load of one 64-bit word and no lock: false means certainly not added (the
 * hot path for an unconfigured function ends there); true means look the value
 * up (config.h). Both hash bits of an id lie in the same word. Bits are never
 * removed one by one: a removed value stays a (harmless) false positive until
 * bloom_clear(). Adding and testing may race freely (atomic OR, relaxed load);
 * an add is visible to other CPUs once the adder's following store of the
 * value itself is.
 */
#ifndef DDV_CORE_BLOOM_H
#define DDV_CORE_BLOOM_H

#include "env.h"

#define BLOOM_WORDS 128		/* 8192 bits: 1 KiB per property */

struct bloom {
	u64 words[BLOOM_WORDS];
};

static inline u64 bloom_hash(u64 id)
{
	id ^= id >> 31;
	id *= 0x7fb5d329728ea185ull;
	id ^= id >> 27;
	return id;
}

/* The word index and the two bits of id in it. */
static inline u64 bloom_bits(u64 h, unsigned int *word)
{
	*word = (unsigned int)(h >> 40) & (BLOOM_WORDS - 1);
	return (1ull << (h & 63)) | (1ull << ((h >> 6) & 63));
}

static inline bool bloom_maybe(const struct bloom *b, u64 id)
{
	unsigned int w;
	u64 bits = bloom_bits(bloom_hash(id), &w);

	return (ENV_READ(b->words[w]) & bits) == bits;
}

static inline void bloom_add(struct bloom *b, u64 id)
{
	unsigned int w;
	u64 bits = bloom_bits(bloom_hash(id), &w);

	__atomic_fetch_or(&b->words[w], bits, __ATOMIC_RELEASE);
}

static inline void bloom_clear(struct bloom *b)
{
	unsigned int i;

	for (i = 0; i < BLOOM_WORDS; i++)
		ENV_WRITE(b->words[i], 0);
}

#endif /* DDV_CORE_BLOOM_H */
