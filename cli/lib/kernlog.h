/*
 * kernlog.h: the kernel's own complaints (WARNING, BUG, oops) in the
 * session's kernel log, read from /dev/kmsg, so that a report can tie them to
 * the faults ddv injected before them.
 *
 * 'ddv start' notes the kernel log's next sequence number (state file
 * kernel-log.next); each later command that drains the runtime's log
 * (ddv load, unload, inject, report, a campaign's loads) appends the kernel's
 * records of level warning or worse that came since to the state file
 * kernel-log, as /dev/kmsg gives them ("PRIO,SEQ,USEC,FLAGS;TEXT"). Records
 * the kernel's ring overwrote before a command read them are counted, not
 * seen: the kernel log is a ring (man ddv(8), KERNEL COMPLAINTS).
 */
#ifndef DDV_CLI_KERNLOG_H
#define DDV_CLI_KERNLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kcomplaint_kind {
	KC_WARNING,		/* WARNING: (WARN_ON and its kind): the kernel goes on */
	KC_BUG,			/* BUG:, kernel BUG at, an oops, a general protection fault */
};

#define KC_MAX_FRAMES 16

struct kcomplaint {
	enum kcomplaint_kind kind;
	uint64_t seq;		/* the kernel log's sequence number of its first line */
	uint64_t ts_us;		/* its time stamp: local_clock() in microseconds */
	char *title;		/* the first line, without CPU, PID and addresses that vary */
	char *where;		/* the RIP, "func+0xoff [module]", or NULL */
	char *frames[KC_MAX_FRAMES];	/* the call trace's reliable frames, innermost first,
					 * "func+0xoff [module]" (no "?" guesses, no sizes) */
	unsigned int nframes;
};

struct kcomplaints {
	struct kcomplaint *v;
	size_t n;
	uint64_t lost;		/* kernel log records overwritten before ddv read them */
};

/*
 * The complaints in text, lines of /dev/kmsg records (continuation lines,
 * which start with a blank, are skipped), appended to out.
 */
void kernlog_parse(const char *text, size_t len, struct kcomplaints *out);
void kernlog_free(struct kcomplaints *kc);
/* Its grouping key: kind, title, where and the drivers' frames. */
void kernlog_key(const struct kcomplaint *c, bool drivers_only, char **key);
/* Whether a frame ("func+0xoff [module]") is in a module other than ddv's own. */
bool kernlog_driver_frame(const char *frame, const char **module, size_t *len);
/* Whether the complaint names module (its title, RIP or a frame). */
bool kernlog_names_module(const struct kcomplaint *c, const char *module);

/* The kernel log's position now, as the session's start (ddv start). 0, or -errno. */
int kernlog_mark_start(void);
/* Whether the session has a start in the kernel log. */
bool kernlog_started(void);
/* The kernel's records since the last harvest, into the state. 0, or -errno. */
int kernlog_harvest(void);
/* kernlog_harvest(), then every complaint of the session into out. 0, or -errno. */
int kernlog_read(struct kcomplaints *out);

#endif /* DDV_CLI_KERNLOG_H */
