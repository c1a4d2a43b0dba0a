/*
 * campaign_run.c: the campaign in this machine. Each load and unload is this
 * program run again ("ddv load", "ddv unload"), so a campaign load is exactly
 * a user's. Everything learnt goes to the journal (campaign.h) as it is
 * learnt; --resume goes on after the last fact. An oops or a hang leaves the
 * module half loaded: no later load of it can work in this boot, so the
 * campaign records it against the injected call and stops with status 5.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "campaign_cmd.h"

/* --- the journal, written ------------------------------------------------ */

void journal_add(struct campaign *c, const char *fmt, ...)
{
	struct strbuf line = { 0 };
	va_list ap;
	char *buf;

	va_start(ap, fmt);
	if (vasprintf(&buf, fmt, ap) < 0)
		buf = NULL;
	va_end(ap);
	if (!buf)
		return;
	sb_printf(&line, "%s\n", buf);
	if (write(c->journal_fd, line.s, line.len) != (ssize_t)line.len)
		ddv_warn("cannot write the campaign journal %s", c->journal_path);
	fdatasync(c->journal_fd);
	if (c->echo_fd >= 0) {
		/* A checksum, because the kernel's own lines may cut through ours. */
		line.len = 0;
		journal_echo_line(buf, &line);
		if (write(c->echo_fd, line.s, line.len) < 0)
			ddv_warn("cannot echo the journal on the console");
		tcdrain(c->echo_fd);
	}
	sb_free(&line);
	free(buf);
}

int journal_load_file(const char *path, struct journal *j)
{
	size_t size;
	char *text;
	int bad;

	if (read_whole_file(path, (void **)&text, &size))
		return -ENOENT;
	bad = journal_parse(j, text, size);
	free(text);
	if (bad < 0) {
		journal_free(j);
		return -EINVAL;
	}
	if (bad)
		ddv_warn("%s: %d line%s of the journal make no sense: left out", path, bad,
			 bad == 1 ? "" : "s");
	return 0;
}

/* --- running this program again ---------------------------------------- */

/*
 * Runs path with args, quietly (its standard error into the file err_path
 * when not NULL), in a process group of its own; with drain_fd
 * >= 0 drains the log every few milliseconds meanwhile (a traced load writes
 * more than a ring holds); calls tick (when not NULL) every half second, and
 * ends the group (SIGTERM, then SIGKILL 10 s on) when it says so;
 * after timeout_s seconds (0: none) kills the group.
 * Returns its exit status, -SIGNAL when a signal killed it, or EXIT_HANG when
 * the time ran out.
 */
static int run_program(const char *path, char *const *args, int drain_fd, int timeout_s,
		       bool (*tick)(void *), void *tick_arg, const char *err_path)
{
	long waited_ms = 0;
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return EXIT_ERROR;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		int err = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;

		setpgid(0, 0);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(err >= 0 ? err : null, STDERR_FILENO);
		}
		execv(path, args);
		_exit(127);
	}
	for (;;) {
		bool poll = drain_fd >= 0 || timeout_s > 0 || tick;
		pid_t got = waitpid(pid, &status, poll ? WNOHANG : 0);

		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return EXIT_ERROR;
		if (timeout_s > 0 && waited_ms >= timeout_s * 1000L) {
			kill(-pid, SIGKILL);
			/*
			 * A child stuck in the kernel (an uninterruptible wait: a
			 * remove that never returns) dies only when it leaves: give it
			 * a few seconds, then leave it there rather than wait with it.
			 */
			for (int i = 0; i < 500 && !waitpid(pid, &status, WNOHANG); i++)
				usleep(10000);
			return EXIT_HANG;
		}
		if (drain_fd >= 0)
			drain_log(drain_fd);
		if (tick && waited_ms % 500 == 0 && tick(tick_arg)) {
			/* TERM first: vm/run's trap then stops its qemu, in a group of its own. */
			kill(-pid, SIGTERM);
			for (int i = 0; i < 1000 && !waitpid(pid, &status, WNOHANG); i++)
				usleep(10000);
			kill(-pid, SIGKILL);
			waitpid(pid, &status, WNOHANG);
			return EXIT_HANG;
		}
		usleep(5000);
		waited_ms += 5;
	}
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_ERROR;
}

/* This program again, with args. */
int run_self(char *const *args, int drain_fd)
{
	return run_program("/proc/self/exe", args, drain_fd, 0, NULL, NULL, NULL);
}

int run_self_ticking(char *const *args, bool (*tick)(void *), void *arg, const char *err_path)
{
	return run_program("/proc/self/exe", args, -1, 0, tick, arg, err_path);
}

/* A shell line of the user's (--setup, --workload), bounded by the load's timeout. */
static void run_shell(struct campaign *c, const char *what, const char *line, int drain_fd)
{
	int status = run_program("/bin/sh", (char *[]){ "sh", "-c", (char *)line, NULL }, drain_fd,
				 atoi(c->timeout), NULL, NULL, NULL);

	if (status == EXIT_HANG)
		ddv_warn("campaign: %s did not end in %s s: killed", what, c->timeout);
}

/* Whether dir/name is a symbolic link. */
static bool is_symlink(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	bool link = !lstat(path, &st) && S_ISLNK(st.st_mode);

	free(path);
	return link;
}

/* Writes word to a sysfs attribute (in place: no temporary file there); 0 or -errno. */
static int sysfs_write(const char *path, const char *word)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, word, strlen(word)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Each device bound to the driver of sysfs directory drv, unbound and bound
 * again (the names taken first: unbinding and binding change the directory).
 * A bind that fails is a probe that failed, as a campaign load may make it.
 */
static unsigned int rebind_driver(const char *drv)
{
	char *unbind = xasprintf("%s/unbind", drv), *bind = xasprintf("%s/bind", drv);
	struct symset devices = { 0 };
	DIR *d = opendir(drv);
	struct dirent *dev;
	unsigned int n = 0;

	/* The devices are the links in it; "module" is the one link that is not a device. */
	while (d && (dev = readdir(d)))
		if (dev->d_name[0] != '.' && strcmp(dev->d_name, "module") &&
		    is_symlink(drv, dev->d_name))
			symset_add(&devices, dev->d_name);
	if (d)
		closedir(d);
	for (size_t i = 0; i < devices.n; i++) {
		int err = sysfs_write(unbind, devices.names[i]);

		if (err) {
			ddv_warn("campaign: --rebind: %s: unbind: %s", devices.names[i], strerror(-err));
			continue;
		}
		sysfs_write(bind, devices.names[i]);
		n++;
	}
	symset_free(&devices);
	free(unbind);
	free(bind);
	return n;
}

/*
 * --rebind: the devices bound to the module's drivers (/sys/module/M/drivers/:
 * links to each bus's driver directory) unbound and bound again, so that
 * their remove and probe run without an unload. Returns how many were.
 */
static unsigned int rebind_devices(const char *module)
{
	char *dir = xasprintf("/sys/module/%s/drivers", module);
	DIR *drivers = opendir(dir);
	unsigned int n = 0;
	struct dirent *de;

	while (drivers && (de = readdir(drivers))) {
		char *drv = xasprintf("%s/%s", dir, de->d_name);

		if (de->d_name[0] != '.')
			n += rebind_driver(drv);
		free(drv);
	}
	if (drivers)
		closedir(drivers);
	free(dir);
	return n;
}

static int run_load(struct campaign *c, int drain_fd)
{
	char **args = xcalloc(c->nparams + 2 * c->nexclude + 9, sizeof(*args));
	int i = 0, status;

	args[i++] = "ddv";
	args[i++] = "load";
	args[i++] = "--timeout";
	args[i++] = (char *)c->timeout;
	if (c->with) {
		args[i++] = "--with";
		args[i++] = (char *)c->with;
	} else if (c->alone) {
		args[i++] = "--alone";
	}
	/* The runtime neither fails nor counts these calls, whatever order the load makes them in. */
	for (int e = 0; e < c->nexclude; e++) {
		args[i++] = "--exclude";
		args[i++] = c->exclude[e];
	}
	args[i++] = (char *)c->driver;
	for (int p = 0; p < c->nparams; p++)
		args[i++] = c->params[p];
	status = run_self(args, drain_fd);
	free(args);
	return status;
}

/*
 * The unload, bounded by the load's timeout: EXIT_HANG when it never returned.
 * A module in use a moment after its rebind (the new disk still being scanned)
 * refuses to go: tried again, every 100 ms for up to the timeout, so that the
 * next load does not find it loaded.
 */
static int run_unload(struct campaign *c)
{
	int status, tries = 10 * atoi(c->timeout);
	char *state;

	for (;;) {
		status = run_program("/proc/self/exe", (char *[]){ "ddv", "unload", c->module, NULL },
				     -1, atoi(c->timeout), NULL, NULL, NULL);
		if (status == EXIT_OK || status == EXIT_HANG || status < 0 || tries-- <= 0)
			return status;
		state = module_initstate(c->module);
		free(state);
		if (!state)
			return status;
		usleep(100 * 1000);
	}
}

const char *phase_name(enum life_phase p)
{
	static const char *const names[NPHASES] = {
		[PHASE_LOAD] = "load", [PHASE_WORKLOAD] = "workload",
		[PHASE_REBIND] = "rebind", [PHASE_UNLOAD] = "unload",
	};

	return p < NPHASES ? names[p] : "?";
}

static void phase_done(struct campaign *c, int drain_fd, enum life_phase p, phase_fn after,
		       void *arg)
{
	if (drain_fd >= 0)
		drain_log(drain_fd);
	if (after)
		after(c, p, arg);
}

int run_life(struct campaign *c, int drain_fd, phase_fn after, void *arg)
{
	int status, unload;

	if (c->setup)
		run_shell(c, "--setup", c->setup, -1);
	status = run_load(c, drain_fd);
	phase_done(c, drain_fd, PHASE_LOAD, after, arg);
	if (status != EXIT_OK)
		return status;
	if (c->workload) {
		run_shell(c, "--workload", c->workload, drain_fd);
		phase_done(c, drain_fd, PHASE_WORKLOAD, after, arg);
	}
	if (c->rebind) {
		if (!rebind_devices(c->module))
			ddv_warn("campaign: --rebind: no device is bound to %s", c->module);
		phase_done(c, drain_fd, PHASE_REBIND, after, arg);
	}
	/*
	 * A module whose unload hangs, or oopses (its exit killed ddv unload:
	 * the module stays, going), is stuck as one whose init does.
	 */
	unload = run_unload(c);
	if (unload == EXIT_HANG || unload < 0)
		status = unload;
	phase_done(c, drain_fd, PHASE_UNLOAD, after, arg);
	return status;
}

/* No load of a module stuck half loaded can work again in this boot. */
bool module_wedged(struct campaign *c, int status)
{
	if (status == EXIT_HANG || status < 0)
		return true;
	return status == EXIT_INIT_FAILED && module_stuck_in_init(c->module);
}

int set_trace(struct campaign *c, uint64_t func, unsigned int level)
{
	return ctl_call(c->ctl, DDV_OP_SET_TRACE, 2, (uint64_t[]){ func, level }, NULL);
}

int inject_off(struct campaign *c)
{
	return ctl_call(c->ctl, DDV_OP_INJECT, 1, (uint64_t[]){ DDV_INJECT_OFF }, NULL);
}

/* --- the injected loads -------------------------------------------------- */

struct load_outcome {
	struct campaign *c;
	unsigned int injected;
	struct strbuf fault;	/* the injected call, SYMBOL@func+0xoff */
	struct journal_finding findings[64];
	unsigned int nfindings;
	unsigned int more;	/* findings beyond the array: counted, not kept */
};

static void judge_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct load_outcome *lo = data;
	struct journal_finding f;

	if (ev->msg && !strcmp(ev->msg->rule_id, "ddv.fault-injected") &&
	    (!ev->driver || !strcmp(ev->driver, lo->c->module))) {
		lo->injected++;
		lo->fault.len = 0;
		call_name(ev, &lo->fault);
		return;
	}
	if (!judge_finding(lo->c, ev, &f))
		return;
	/* The runtime says a stuck init again every hang_seconds: one hang, one finding. */
	for (unsigned int i = 0; i < lo->nfindings && !strcmp(f.rule, "ddv.hang"); i++) {
		if (!strcmp(lo->findings[i].rule, f.rule) && !strcmp(lo->findings[i].site, f.site)) {
			free(f.rule);
			free(f.site);
			free(f.stack);
			return;
		}
	}
	if (lo->nfindings < sizeof(lo->findings) / sizeof(lo->findings[0])) {
		lo->findings[lo->nfindings++] = f;
	} else {
		free(f.rule);
		free(f.site);
		free(f.stack);
		lo->more++;
	}
}

/* "load 17/43 ..." on stderr: one line kept up to date on a terminal, else a line per load. */
static void progress(const struct campaign *c, size_t done, size_t planned, unsigned long n,
		     const char *expect)
{
	char of[32] = "?";

	if (planned)
		snprintf(of, sizeof(of), "%zu", planned);
	fprintf(stderr, "%sload %zu/%s: failing call %lu (%s)%s", c->progress_tty ? "\r\033[K" : "",
		done, of, n, expect ? expect : "the next fallible call", c->progress_tty ? "" : "\n");
}

/*
 * Tries one planned load: fail fallible call L->n. Returns its status; a
 * crash or a hang leaves the module half loaded for the rest of this boot.
 */
static enum load_status try_load(struct campaign *c, struct judge *j, struct journal_load *L)
{
	struct load_outcome lo = { .c = c };
	enum load_status st;
	int err, status;

	journal_add(c, "start %lu", L->n);
	err = inject_off(c);
	if (!err && L->stack_id)
		err = ctl_call(c->ctl, DDV_OP_INJECT, 3,
			       (uint64_t[]){ DDV_INJECT_STACK, L->stack_id, L->stack_nth }, NULL);
	else if (!err)
		err = ctl_call(c->ctl, DDV_OP_INJECT, 2,
			       (uint64_t[]){ DDV_INJECT_NTH_ANY, (uint64_t)L->n }, NULL);
	if (err) {
		ddv_error(-err, "campaign: inject for load %lu", L->n);
		return LOAD_FAILED;
	}
	status = run_life(c, -1, NULL, NULL);
	if (status == EXIT_OK) {
		st = LOAD_OK;
	} else if (status == EXIT_HANG) {
		st = LOAD_HANG;
	} else if (status < 0) {
		st = LOAD_CRASH;
	} else if (status == EXIT_INIT_FAILED) {
		/* An oops kills the loading task: its init never returned, the module stays. */
		st = module_wedged(c, status) ? LOAD_CRASH : LOAD_INIT_FAILED;
	} else {
		st = LOAD_FAILED;
	}
	inject_off(c);
	drain_log(c->ctl);
	judge_run(j, judge_event, &lo);
	lo.nfindings += judge_kernel(c, lo.findings, lo.nfindings, lo.findings + lo.nfindings,
				     sizeof(lo.findings) / sizeof(lo.findings[0]) - lo.nfindings);
	for (unsigned int f = 0; f < lo.nfindings; f++)
		journal_add(c, "finding %lu %s %s%s%s", L->n, lo.findings[f].rule,
			    lo.findings[f].site, lo.findings[f].stack ? " " : "",
			    lo.findings[f].stack ? lo.findings[f].stack : "");
	if (lo.more)
		journal_add(c, "finding %lu ddv.campaign-more +%u", L->n, lo.more);
	journal_add(c, "done %lu %s %u %s", L->n, load_status_name(st), lo.injected,
		    lo.injected ? lo.fault.s : "-");
	for (unsigned int f = 0; f < lo.nfindings; f++) {
		free(lo.findings[f].rule);
		free(lo.findings[f].site);
		free(lo.findings[f].stack);
	}
	sb_free(&lo.fault);
	return st;
}

void print_plan(const struct journal *jn)
{
	for (size_t i = 0; i < jn->nloads; i++) {
		const struct journal_load *L = &jn->loads[i];
		const char *phase = journal_phase_of(jn, L->n);

		printf("would fail call %lu, %s%s%s", L->n, L->expect ? L->expect : "?",
		       phase ? " in phase " : "", phase ? phase : "");
		if (L->stack_id)
			printf(" (stack %#llx, its call %lu)", (unsigned long long)L->stack_id,
			       L->stack_nth);
		putchar('\n');
	}
	printf("%zu loads planned of %lu fallible calls\n", jn->nloads, jn->total);
}

/* --- the campaign in this machine ---------------------------------------- */

static int reload_journal(struct campaign *c, struct journal *jn)
{
	journal_free(jn);
	if (journal_load_file(c->journal_path, jn)) {
		ddv_error(0, "campaign: cannot read back the journal %s", c->journal_path);
		return -1;
	}
	return 0;
}

/*
 * Opens the journal: with --resume, one of this driver that holds a plan is
 * appended to (*have); any other is started afresh. Returns 0, or an exit
 * status.
 */
static int open_journal(struct campaign *c, bool resume, struct journal *jn, bool *have)
{
	*have = false;
	if (resume && !journal_load_file(c->journal_path, jn)) {
		if (strcmp(jn->driver, c->driver)) {
			ddv_error(0, "campaign: the journal %s is about %s, not %s",
				  c->journal_path, jn->driver, c->driver);
			return EXIT_USAGE;
		}
		if (c->nshards != jn->nshards || c->shard != jn->shard) {
			ddv_error(0, "campaign: the journal %s is of shard %u/%u, not %u/%u (--shard)",
				  c->journal_path, jn->shard, jn->nshards, c->shard, c->nshards);
			return EXIT_USAGE;
		}
		/* A recording cut short is started again: its plan may be incomplete. */
		*have = jn->recorded || jn->sequential;
	}
	c->journal_fd = open(c->journal_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
			     (*have ? 0 : O_TRUNC), 0644);
	if (c->journal_fd < 0) {
		ddv_error(errno, "campaign: journal %s", c->journal_path);
		return EXIT_ERROR;
	}
	return 0;
}

/* A new journal's first lines: the driver, the shard, the life each load runs. */
static void journal_add_head(struct campaign *c)
{
	struct utsname u;

	journal_add(c, "ddv-campaign 1 %s", c->driver);
	if (c->systematic)
		journal_add(c, "mode systematic");
	if (!uname(&u))
		journal_add(c, "kernel %s", u.release);
	if (c->nshards)
		journal_add(c, "shard %u %u", c->shard, c->nshards);
	if (c->setup)
		journal_add(c, "setup %s", c->setup);
	if (c->workload)
		journal_add(c, "workload %s", c->workload);
	if (c->with)
		journal_add(c, "with %s", c->with);
	if (c->alone)
		journal_add(c, "alone");
	if (c->rebind)
		journal_add(c, "rebind");
	for (int i = 0; i < c->nparams; i++)
		journal_add(c, "param %s", c->params[i]);
	for (int i = 0; i < c->nexclude; i++)
		journal_add(c, "exclude %s", c->exclude[i]);
}

/*
 * A resumed journal: a load that began and never ended is recorded as lost
 * (the machine died under it), and the loads done so far are shown again.
 * Returns 0, or -1 when the journal cannot be read back.
 */
static int resume_journal(struct campaign *c, struct journal *jn)
{
	for (size_t i = 0; i < jn->nloads; i++)
		if (jn->loads[i].started && jn->loads[i].status == LOAD_PENDING)
			journal_add(c, "done %lu lost ? -", jn->loads[i].n);	/* injected: not said */
	if (reload_journal(c, jn))
		return -1;
	for (size_t i = 0; i < jn->nloads; i++)
		if (jn->loads[i].status != LOAD_PENDING)
			print_load_line(c, &jn->loads[i], journal_phase_of(jn, jn->loads[i].n));
	return 0;
}

/* How a run of loads ends. */
enum run_end {
	RUN_ON,		/* not yet: the next load */
	RUN_DONE,	/* no planned load is left */
	RUN_REBOOT,	/* the module is stuck half loaded: the rest needs a new boot */
	RUN_ERROR,
};

/*
 * The next planned load (a sequential campaign plans it now), tried, shown
 * and journalled.
 */
static enum run_end run_next_load(struct campaign *c, struct judge *j, struct journal *jn)
{
	struct journal_load *L = journal_next(jn);
	size_t done = 0;
	enum load_status st;
	unsigned long n;

	if (!L && jn->sequential && !jn->recorded) {
		/* Sequential: the next call, until a load makes no call to fail. */
		n = jn->nloads ? jn->loads[jn->nloads - 1].n + 1 : 1;
		while (!journal_owns(jn, n))
			n++;	/* another shard's */
		journal_add(c, "plan %lu", n);
		if (reload_journal(c, jn))
			return RUN_ERROR;
		L = journal_next(jn);
	}
	if (!L)
		return RUN_DONE;
	for (size_t i = 0; i < jn->nloads; i++)
		done += jn->loads[i].status != LOAD_PENDING;
	progress(c, done + 1, jn->recorded ? journal_planned(jn) : 0, L->n, L->expect);
	n = L->n;
	st = try_load(c, j, L);
	if (reload_journal(c, jn))
		return RUN_ERROR;
	if (c->progress_tty)
		fprintf(stderr, "\r\033[K");
	L = journal_find(jn, n);
	print_load_line(c, L, journal_phase_of(jn, n));
	if (jn->sequential && !jn->recorded && !L->injected &&
	    (st == LOAD_OK || st == LOAD_INIT_FAILED)) {
		/* Call n was never made: the load makes n - 1 fallible calls. */
		journal_add(c, "total %lu", n - 1);
		if (reload_journal(c, jn))
			return RUN_ERROR;
	}
	if ((st == LOAD_HANG || st == LOAD_CRASH) && journal_next(jn)) {
		/* The module is stuck half loaded: no load of it works until a reboot. */
		fprintf(campaign_lines(c), "campaign stops: %s is stuck in its init or unload; the loads "
			"after %lu need a new boot (ddv campaign exhaustive --resume, or --vm on "
			"the host)\n", c->module, n);
		return RUN_REBOOT;
	}
	if (st == LOAD_FAILED) {
		ddv_error(0, "campaign: ddv load %s failed without its init running: "
			  "stopping", c->driver);
		return RUN_ERROR;
	}
	return RUN_ON;
}

int campaign_run(struct campaign *c, bool resume, long max)
{
	struct journal jn = { 0 };
	struct judge judge;
	enum run_end end = RUN_ON;
	bool have;
	int status = open_journal(c, resume, &jn, &have);

	if (!status && (c->ctl = ctl_open()) < 0)
		status = EXIT_ERROR;
	if (status) {
		journal_free(&jn);
		return status;
	}
	drain_log(c->ctl);
	/* The kernel's complaints count from here: none before the campaign is its. */
	if (!kernlog_started())
		kernlog_mark_start();
	judge_kernel(c, NULL, 0, NULL, 0);
	if (judge_open(&judge, c->ctl)) {
		close(c->ctl);
		journal_free(&jn);
		return EXIT_ERROR;
	}
	if (!have) {
		journal_add_head(c);
		status = record_plan(c, &judge);
		if (status || reload_journal(c, &jn)) {
			judge_close(&judge);
			close(c->ctl);
			journal_free(&jn);
			return status ? status : EXIT_ERROR;
		}
	} else if (resume_journal(c, &jn)) {
		end = RUN_ERROR;
	} else if (jn.systematic != c->systematic) {
		ddv_error(0, "campaign: the journal %s is of a%s campaign", c->journal_path,
			  jn.systematic ? " systematic" : "n exhaustive");
		end = RUN_ERROR;
	}
	if (c->dry_run && end == RUN_ON) {
		print_plan(&jn);
		max = 0;
	}
	for (long tried = 0; end == RUN_ON && tried < max; tried++)
		end = run_next_load(c, &judge, &jn);
	set_trace(c, ~0ull, DDV_TRACE_OFF);
	inject_off(c);
	close(c->ctl);
	judge_close(&judge);
	if ((end == RUN_ON || end == RUN_DONE) && jn.recorded && !journal_next(&jn) && !jn.ended) {
		journal_add(c, "end");
		jn.ended = true;
	}
	/* A dry run's journal keeps its plan: --resume tries the loads. */
	if (c->dry_run) {
		status = EXIT_OK;
	} else {
		c->sources = true;	/* this machine loaded the driver: ddv load kept its .ko's place */
		status = summary_status(summarize(&jn, c, c->suppressed));
	}
	if (end == RUN_REBOOT)
		status = EXIT_HANG;
	if (end == RUN_ERROR)
		status = EXIT_ERROR;
	close(c->journal_fd);
	journal_free(&jn);
	return status;
}
