/*
 * prune.c: loop pruning for the exhaustive campaign: out of the sequence of
 * fallible calls a clean load makes, the calls worth failing one load each.
 *
 * A loop shows in the sequence as a block of calls repeated back to back
 * (a tandem repeat). At each position the candidate periods are the
 * distances to the next few occurrences of the same call; the candidate that
 * covers the most calls wins (an outer loop over an inner one), the shortest
 * on a tie. A run of more than 2 * keep repeats keeps its first and last
 * keep repeats, and the calls inside those are pruned the same way. The scan
 * is linear outside loops: a non-repeating call costs a few comparisons.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "campaign.h"

/* Candidate periods tried at one position: the next occurrences of its call. */
#define PRUNE_CANDIDATES 8

struct pruner {
	const uint64_t *keys;
	size_t *next;		/* next index with the same key, or n */
	size_t n;
	unsigned int keep;
	size_t *out;
	size_t nout;
};

/* How many calls from i on, within [i, hi), are period-p periodic (at least p). */
static size_t periodic_len(const struct pruner *pr, size_t i, size_t hi, size_t p)
{
	size_t j = i;

	while (j + p < hi && pr->keys[j] == pr->keys[j + p])
		j++;
	return j - i + p;
}

static void prune_range(struct pruner *pr, size_t lo, size_t hi)
{
	size_t i = lo;

	while (i < hi) {
		size_t best_p = 0, best_reps = 0, q = pr->next[i];

		for (unsigned int c = 0; c < PRUNE_CANDIDATES && q < hi; c++) {
			size_t p = q - i, len, reps;

			if (p * (2 * pr->keep + 1) > hi - i)
				break;	/* too long a body to repeat often enough here */
			len = periodic_len(pr, i, hi, p);
			reps = len / p;
			if (reps > 2 * (size_t)pr->keep && reps * p > best_reps * best_p) {
				best_p = p;
				best_reps = reps;
			}
			/*
			 * A loop around this one repeats beyond the run: its
			 * period reaches the first occurrence past the run.
			 */
			q = pr->next[q];
			if (reps > 1)
				while (q < i + len)
					q = pr->next[q];
		}
		if (!best_p) {
			pr->out[pr->nout++] = i++;
			continue;
		}
		for (size_t r = 0; r < best_reps; r++) {
			size_t start = i + r * best_p;

			if (r < pr->keep || r >= best_reps - pr->keep)
				prune_range(pr, start, start + best_p);
		}
		i += best_reps * best_p;
	}
}

size_t prune_plan(const uint64_t *keys, size_t n, unsigned int keep, size_t **out)
{
	struct pruner pr = { .keys = keys, .n = n, .keep = keep };
	/* Open addressing over the keys: the last index seen of each. */
	size_t slots = 16, *table;

	while (slots < 2 * n)
		slots *= 2;
	table = xmalloc(slots * sizeof(*table));
	for (size_t s = 0; s < slots; s++)
		table[s] = n;
	pr.next = xmalloc((n ? n : 1) * sizeof(*pr.next));
	pr.out = xmalloc((n ? n : 1) * sizeof(*pr.out));
	for (size_t i = n; i-- > 0;) {
		size_t s = (keys[i] * 0x9e3779b97f4a7c15ull) >> 7 & (slots - 1);

		while (table[s] != n && keys[table[s]] != keys[i])
			s = (s + 1) & (slots - 1);
		pr.next[i] = table[s];
		table[s] = i;
	}
	free(table);
	if (!keep) {
		/* Nothing kept of a loop would lose its defects: keep 1 at least. */
		pr.keep = 1;
	}
	prune_range(&pr, 0, n);
	free(pr.next);
	*out = pr.out;
	return pr.nout;
}

static int compare_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t systematic_plan(const uint64_t *ids, const bool *skip, size_t n,
		       struct systematic_pick **out, size_t *ndistinct)
{
	uint64_t *sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
	unsigned int *seen;
	size_t distinct = 0, npicks = 0;

	memcpy(sorted, ids, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_id);
	for (size_t k = 0; k < n; k++)
		if (!k || sorted[k] != sorted[distinct - 1])
			sorted[distinct++] = sorted[k];
	seen = xcalloc(distinct ? distinct : 1, sizeof(*seen));
	*out = xmalloc((distinct ? 2 * distinct : 1) * sizeof(**out));
	for (size_t k = 0; k < n; k++) {
		uint64_t *slot = bsearch(&ids[k], sorted, distinct, sizeof(*sorted), compare_id);
		unsigned int nth = ++seen[slot - sorted];

		if (nth <= SYSTEMATIC_CALLS && !skip[k])
			(*out)[npicks++] = (struct systematic_pick){ .index = k, .nth = nth };
	}
	*ndistinct = distinct;
	free(seen);
	free(sorted);
	return npicks;
}
