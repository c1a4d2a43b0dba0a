/* campaign.h: the exhaustive campaign's pure parts: loop pruning and the journal. */
#ifndef DDV_CLI_CAMPAIGN_H
#define DDV_CLI_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * prune.c: which calls of a recorded sequence to fail.
 *
 * keys[i] names the i-th fallible call of a clean load (its function, call
 * site and stack, hashed): equal keys are the same call made again. A run of
 * r > 2 * keep consecutive repeats of one block (a loop's body) keeps only
 * its first and last keep repeats; the calls inside a kept repeat are pruned
 * the same way (nested loops). Every other call is kept. Returns the number of
 * kept indices, written in increasing order to *out (malloc'ed).
 */
#define PRUNE_KEEP 3
size_t prune_plan(const uint64_t *keys, size_t n, unsigned int keep, size_t **out);

/*
 * prune.c: the systematic plan. ids[i] is the stack identity of the i-th
 * fallible call of a clean life (the runtime's, DDV_INJECT_STACK): equal ids
 * are the same call site reached through the same frames. Each identity is
 * picked at its first call and, when the life made more, at its second (the
 * first with an earlier one to unwind: a loop's error path), however many
 * calls it made; calls with skip[i] set (--exclude) are never picked.
 * Returns the number of picks, in increasing index order, written to *out
 * (malloc'ed); *ndistinct: the distinct identities.
 */
#define SYSTEMATIC_CALLS 2
struct systematic_pick {
	size_t index;		/* the call, 0-based */
	unsigned int nth;	/* which call of its identity: 1 or 2 */
};
size_t systematic_plan(const uint64_t *ids, const bool *skip, size_t n,
		       struct systematic_pick **out, size_t *ndistinct);

/*
 * journal.c: what a campaign has learnt, one line per fact, appended and
 * flushed as it is learnt, so that a crash of the machine loses at most the
 * line being written (a last line without its newline is ignored).
 *
 *   ddv-campaign 1 DRIVER        the first line
 *   shard K N                    this journal tries shard K of N alone: load n
 *                                when (n - 1) mod N = K - 1 (journal_owns)
 *   kernel RELEASE               the kernel the campaign ran on (uname -r)
 *   setup CMD, workload CMD,     the life each load ran (--setup, --workload,
 *   rebind, param WORD,          --rebind, the load's PARAM=VALUE words,
 *   with MOD,..., alone,         --with, --alone, --exclude: the loads'
 *   exclude GLOB                 ddv load --exclude), for the reproducers of
 *                                ddv campaign merge
 *   recording L                  the recording took L loads (1)
 *   sequential                   the recording lost records: no plan; "plan N"
 *                                lines come one by one until a load fails
 *                                nothing, then "total N-1"
 *   total M                      fallible calls of the clean recording load
 *   mode systematic              a systematic campaign: its loads fail stacks
 *   plan N [FUNC@SITE]           a load to try: fail fallible call N (1-based)
 *   plan N FUNC@SITE ID K        a systematic load: fail the Kth call whose
 *                                stack identity is ID (hex; DDV_INJECT_STACK),
 *                                which the recording saw as fallible call N
 *   start N                      load N began
 *   done N STATUS INJECTED FAULT  it ended: STATUS is ok, init-failed, hang,
 *                                load-failed, crash (the machine died) or
 *                                lost (the machine was killed: a hang of the
 *                                whole guest); FAULT the injected call or -;
 *                                INJECTED ? when the machine died before the
 *                                load said (a line written for it afterwards)
 *   done 0 STATUS 0 -            the clean recording life died (crash, lost):
 *                                no plan came of it
 *   console N TEXT               what load N's machine died of: the kernel's
 *                                first report on the console (written with
 *                                the "done N" line the host writes for it)
 *   stack SITE STACK             the one stack the clean load made calls
 *                                at SITE with (a leak's allocation stack)
 *   phase NAME FIRST LAST        the recording's fallible calls FIRST..LAST
 *                                were made in phase NAME of the driver's life
 *   uncovered SYMBOL             the driver calls SYMBOL, whose name looks
 *                                fallible, and no pack has a contract for it
 *                                (load, workload, rebind, unload)
 *   finding N RULE SITE [STACK]  a finding of load N (0: the clean
 *                                recording life, no fault injected); STACK: its frames,
 *                                innermost first, " > " between them, "?"
 *                                for a frame nothing could name
 *   end                          every planned load was tried
 */
enum load_status {
	LOAD_PENDING,
	LOAD_OK,
	LOAD_INIT_FAILED,
	LOAD_HANG,
	LOAD_FAILED,
	LOAD_CRASH,
	LOAD_LOST,
	LOAD_NSTATUS
};

struct journal_finding {
	char *rule;
	char *site;
	char *stack;		/* NULL: none taken (a leak) */
};

struct journal_load {
	unsigned long n;	/* the fallible call failed (nth-any) */
	char *expect;		/* the call the recording saw there, or NULL */
	uint64_t stack_id;	/* systematic: the stack identity failed, else 0 */
	unsigned long stack_nth;	/* systematic: which call of it */
	bool started;
	enum load_status status;
	unsigned int injected;
	bool injected_unknown;	/* "done N STATUS ? -": the machine died before saying */
	char *fault;		/* the injected call, or NULL */
	char *console;		/* "console N TEXT"'s TEXT, or NULL */
	struct journal_finding *findings;
	unsigned int nfindings;
};

/* A call site and the one stack the recording saw there. */
struct journal_stack {
	char *site;
	char *stack;
};

/* A phase of the driver's life and the recording's fallible calls made in it. */
struct journal_phase {
	char *name;
	unsigned long first;
	unsigned long last;
};

struct journal {
	char *driver;
	unsigned int shard, nshards;	/* shard K of N; 0 of 0: the whole campaign */
	char *kernel;		/* the kernel it ran on, or NULL: not said (an older journal) */
	char *setup, *workload;	/* the life: NULL when not given */
	char *with;		/* --with's MOD,..., or NULL */
	bool alone;		/* --alone */
	bool rebind;
	char **params;
	unsigned int nparams;
	char **excludes;	/* --exclude's GLOBs */
	unsigned int nexcludes;
	struct journal_phase *phases;	/* in order; none in a journal of load and unload only */
	size_t nphases;
	struct journal_stack *stacks;
	size_t nstacks;
	bool recorded;		/* "total" seen: the plan is complete */
	bool sequential;	/* no recording: one call after the other */
	bool systematic;	/* "mode systematic": loads fail stack identities */
	unsigned long recording_loads;	/* the clean recording load */
	unsigned long total;
	struct journal_load recording;	/* n 0: the clean recording life's findings, and
					 * its status when it died (else pending) */
	struct journal_load *loads;	/* in plan order */
	size_t nloads;
	char **uncovered;	/* fallible-looking imports the driver calls with no contract */
	size_t nuncovered;
	bool ended;
};

const char *load_status_name(enum load_status s);
int journal_parse(struct journal *j, const char *text, size_t len);
void journal_free(struct journal *j);
struct journal_load *journal_find(struct journal *j, unsigned long n);
/* The stack the recording saw at site ("func+0xoff"), or NULL. */
const char *journal_site_stack(const struct journal *j, const char *site);
/* The phase in which the recording made fallible call n, or NULL. */
const char *journal_phase_of(const struct journal *j, unsigned long n);
/* The first planned load of its shard not yet done (started ones included), or NULL. */
struct journal_load *journal_next(struct journal *j);
/* Whether load n is this journal's to try (its shard's); always, without a shard. */
bool journal_owns(const struct journal *j, unsigned long n);
/* The planned loads this journal tries (its shard's). */
size_t journal_planned(const struct journal *j);
/*
 * ddv campaign merge: the journal of the whole campaign out of the journals
 * of its shards 1..N, each given once, recorded alike (the same driver, total
 * and plan; the first's recording findings, stacks and phases stand for all).
 * Returns 0 with the merged journal's text in *out, or -1 with why in *why
 * (malloc'ed).
 */
int journal_merge(const struct journal *shards, size_t n, struct strbuf *out, char **why);
/* Load l's verdict as journal lines ("console N TEXT" when known, "done N ..."), if it has one. */
void journal_done_lines(struct strbuf *out, const struct journal_load *l);

/*
 * A journal line as the guest copies it to the serial console, where the
 * kernel's own messages may cut through it: "ddv-journal: LINE *CRC" (CRC:
 * FNV-1a of LINE, 8 hex digits). journal_unecho_line finds LINE in a console
 * line (ending it in place) and returns it, or NULL when it is not there whole.
 */
#define JOURNAL_ECHO_TAG "ddv-journal: "
struct strbuf;
void journal_echo_line(const char *line, struct strbuf *out);
char *journal_unecho_line(char *console_line);

#endif /* DDV_CLI_CAMPAIGN_H */
