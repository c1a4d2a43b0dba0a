/*
 * campaign_vm.c: "ddv campaign exhaustive --vm": the campaign in the bundled
 * VM, from the host. The VM boots again and again, with the journal carried
 * in by --add and back on the serial console (a guest that dies cannot hand
 * back /out), until every planned load was tried.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "campaign_cmd.h"

#define GUEST_JOURNAL "/root/campaign.journal"

/* The journal lines the guest echoed on its console, checked, appended to the host's. */
static unsigned int harvest_console(const char *log, int journal_fd, unsigned int *dones)
{
	char *text, *line, *save = NULL;
	unsigned int added = 0;
	size_t size;

	if (read_whole_file(log, (void **)&text, &size))
		return 0;
	text = xrealloc(text, size + 1);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = journal_unecho_line(line);

		if (!p)
			continue;	/* none, or cut by a kernel line: lost with it */
		/* The guest started afresh (no complete recording came in): so does the host. */
		if (!strncmp(p, "ddv-campaign ", 13) && ftruncate(journal_fd, 0))
			ddv_warn("cannot truncate the host journal");
		if (write(journal_fd, p, strlen(p)) < 0 || write(journal_fd, "\n", 1) < 0)
			ddv_warn("cannot write the host journal");
		added++;
		*dones += !strncmp(p, "done ", 5);
	}
	free(text);
	return added;
}

/*
 * The guest's journal as its console brings it, while the VM runs: a line on
 * the host's standard error for each load that ends (the journal itself is
 * taken from the whole log once the VM is gone).
 */
struct console_follow {
	const struct campaign *c;
	int boot;
	const char *log;
	off_t offset;		/* read so far */
	off_t crs;		/* the \r among them (vm/run takes them out at the end) */
	ino_t ino;		/* the log read, 0 before it is there */
	struct strbuf partial;	/* a line not yet ended */
	unsigned int planned;
	time_t load_start;	/* when the load in flight began (its "start"), or 0 */
	unsigned long load;	/* that load */
	long bound;		/* a life's bound, s (life_bound()) */
	bool killed;		/* the boot was ended: its load overran the bound */
};

/*
 * The longest a life of the driver may take in the guest before the host
 * gives up on the VM: each phase's watchdog (--timeout) and a minute for
 * the judging and the kernel's complaints. A guest that stops answering
 * under one load (every CPU spinning, a deadlock) then costs this, not the
 * whole --vm-timeout.
 */
static long life_bound(const struct campaign *c)
{
	int phases = 2 + !!c->setup + !!c->workload + !!c->rebind;

	return phases * atol(c->timeout) + 60;
}

static void follow_line(struct console_follow *f, char *line)
{
	char *p = journal_unecho_line(line), status[16], fault[256];
	unsigned long n;
	unsigned int injected;

	if (!p)
		return;
	if (!strncmp(p, "plan ", 5))
		f->planned++;
	else if (sscanf(p, "start %lu", &n) == 1)
		f->load_start = time(NULL), f->load = n;
	else if (!strcmp(p, "end"))
		f->load_start = 0;	/* its last "done" may have been cut by a kernel line */
	else if (!strncmp(p, "total ", 6))
		fprintf(stderr, "campaign %s: boot %d: recorded, %u loads planned\n", f->c->module,
			f->boot, f->planned);
	else if (sscanf(p, "done %lu %15s %u %255s", &n, status, &injected, fault) == 4) {
		f->load_start = 0;
		fprintf(stderr, "campaign %s: boot %d: load %lu %s, %u injected (%s)\n",
			f->c->module, f->boot, n, status, injected, fault);
	}
}

static bool follow_console(void *arg)
{
	struct console_follow *f = arg;
	char buf[65536];
	ssize_t got;
	struct stat st;
	int fd = open(f->log, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	/* vm/run put the log without its \r in its place: the same text, shorter by them. */
	if (!fstat(fd, &st) && st.st_ino != f->ino) {
		if (f->ino) {
			f->offset -= f->crs;
			f->crs = 0;
		}
		f->ino = st.st_ino;
	}
	while ((got = pread(fd, buf, sizeof(buf), f->offset)) > 0) {
		f->offset += got;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] == '\r') {
				f->crs++;
				continue;
			}
			if (buf[i] != '\n') {
				sb_add(&f->partial, buf + i, 1);
				continue;
			}
			if (f->partial.s) {
				follow_line(f, f->partial.s);
				f->partial.len = 0;
				f->partial.s[0] = '\0';
			}
		}
	}
	close(fd);
	if (f->load_start && time(NULL) - f->load_start > f->bound) {
		fprintf(stderr, "campaign %s: boot %d: load %lu has not ended in %ld s: the guest "
			"is stopped\n", f->c->module, f->boot, f->load, f->bound);
		f->killed = true;
		return true;
	}
	return false;
}

/* One boot of the VM and what it is given. */
struct boot {
	int n;			/* 1, 2... */
	char *log;		/* its console log */
	char *err;		/* ddv vm's standard error */
	char *out;		/* ddv vm --out */
	char *add_journal;	/* --add of the host's journal */
	char *add_driver;	/* --add of a driver given as a file, or NULL */
	struct strbuf cmd;	/* the guest's campaign, going on from the journal */
	char **args;		/* the ddv vm command */
};

/* The ddv vm command of boot b: the host's journal (when it holds anything) and the driver in. */
static void boot_prepare(struct boot *b, const struct campaign *c, const struct campaign_vm_opts *o,
			 const char *guest_driver)
{
	struct stat stj;
	int i = 0;

	b->log = xasprintf("%s/console-%d.log", o->out_dir, b->n);
	b->err = xasprintf("%s/vm-%d.err", o->out_dir, b->n);
	b->out = xasprintf("%s/boot-%d", o->out_dir, b->n);
	b->add_journal = xasprintf("%s:" GUEST_JOURNAL, c->journal_path);
	b->args = xcalloc(o->nargs + 24, sizeof(*b->args));
	sb_printf(&b->cmd, "ddv campaign %s --resume --journal " GUEST_JOURNAL
		  " --echo-journal --timeout %s%s %s", c->systematic ? "systematic" : "exhaustive",
		  c->timeout, o->guest_opts.s ?
		  o->guest_opts.s : "", guest_driver);
	for (int p = 0; p < c->nparams; p++)
		sb_printf(&b->cmd, " %s", c->params[p]);
	b->args[i++] = "ddv";
	b->args[i++] = "vm";
	b->args[i++] = "--timeout";
	b->args[i++] = (char *)o->timeout;
	b->args[i++] = "--out";
	b->args[i++] = b->out;
	b->args[i++] = "--log";
	b->args[i++] = b->log;
	if (!stat(c->journal_path, &stj) && stj.st_size) {
		b->args[i++] = "--add";
		b->args[i++] = b->add_journal;
	}
	if (strcmp(guest_driver, c->driver)) {
		b->add_driver = xasprintf("%s:/root/", c->driver);
		b->args[i++] = "--add";
		b->args[i++] = b->add_driver;
	} else {
		b->args[i++] = "--module";
		b->args[i++] = (char *)c->driver;
	}
	for (int a = 0; a < o->nargs; a++)
		b->args[i++] = o->args[a];
	b->args[i++] = "--";
	/*
	 * A CPU stuck in the kernel (a soft lockup) or an RCU stall panics the
	 * guest, which ends the boot at once: its load is recorded and the next
	 * boot goes on, long before the life's bound or --vm-timeout.
	 */
	b->args[i++] = "echo 1 >/proc/sys/kernel/softlockup_panic; "
		       "echo 1 >/proc/sys/kernel/panic_on_rcu_stall";
	/*
	 * The setup once before ddv start too: a pack probes the functions of
	 * another module (usbcore's, scsi_mod's) only when it is loaded then.
	 */
	if (c->setup)
		b->args[i++] = (char *)c->setup;
	/*
	 * A runtime or pack that does not load (a pack linking a symbol of a
	 * module not loaded) would leave every load unchecked: a "clean" campaign
	 * of nothing. The job stops instead, and the host finds no journal.
	 */
	b->args[i++] = "ddv start || exit 1";
	b->args[i++] = b->cmd.s;
}

static void boot_free(struct boot *b)
{
	free(b->log);
	free(b->err);
	free(b->out);
	free(b->add_journal);
	free(b->add_driver);
	free(b->args);
	sb_free(&b->cmd);
}

/*
 * The kernel's first report (BUG, oops, WARNING: kernlog.h's; else its
 * panic line) on the console after the guest's last journal line: what the
 * guest died of, or NULL.
 */
static char *console_report(const char *log)
{
	struct strbuf records = { 0 };
	struct kcomplaints kc = { 0 };
	char *text, *line, *save = NULL, *panic = NULL, *report = NULL;
	size_t size;

	if (read_whole_file(log, (void **)&text, &size))
		return NULL;
	text = xrealloc(text, size + 1);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *m = line;

		if (strstr(line, JOURNAL_ECHO_TAG)) {
			records.len = 0;	/* what came before a journal line is not the death's */
			panic = NULL;
			continue;
		}
		line[strcspn(line, "\r")] = '\0';
		if (*m == '[' && strchr(m, ']'))
			m = strchr(m, ']') + 1;
		m += strspn(m, " ");
		if (!panic && !strncmp(m, "Kernel panic - not syncing: ", 28))
			panic = m;
		/* As /dev/kmsg records, for kernlog's parser. */
		sb_printf(&records, "4,0,0,-;%s\n", m);
	}
	if (records.len)
		kernlog_parse(records.s, records.len, &kc);
	if (kc.n)
		report = xstrdup(kc.v[0].title);
	else if (panic)
		report = xstrdup(panic);
	kernlog_free(&kc);
	sb_free(&records);
	free(text);
	return report;
}

/* Load n's "console" line (when report says something) and its "done" line, into fd. */
static void write_death(int fd, unsigned long n, enum load_status status, bool injected_unknown,
			const char *report)
{
	struct journal_load l = { .n = n, .status = status, .injected_unknown = injected_unknown,
				  .console = (char *)report };
	struct strbuf sb = { 0 };

	journal_done_lines(&sb, &l);
	if (write(fd, sb.s, sb.len) < 0)
		ddv_warn("cannot write the host journal");
	sb_free(&sb);
}

/*
 * The loads in flight when the guest died, ended in the host's journal
 * ("lost" when the guest was killed, hung: by ddv vm at --vm-timeout, or by
 * the host at a life's bound; else "crash"), with what the console says it
 * died of, so that the next boot goes on after them. Returns how many.
 */
static unsigned int end_dead_loads(const char *journal_path, const struct journal *jn,
				   bool hung, const char *report)
{
	unsigned int ended = 0;
	int fd = open(journal_path, O_WRONLY | O_APPEND);

	for (size_t l = 0; l < jn->nloads && fd >= 0; l++) {
		const struct journal_load *L = &jn->loads[l];

		if (!L->started || L->status != LOAD_PENDING)
			continue;
		/* Whether it injected died with the guest: "?", not 0 (campaign.h). */
		write_death(fd, L->n, hung ? LOAD_LOST : LOAD_CRASH, true, report);
		ended++;
	}
	if (fd >= 0)
		close(fd);
	return ended;
}

/* How the clean recording life died, kept over the boots: a recording made again forgets it. */
struct recording_death {
	enum load_status status;	/* LOAD_PENDING: it did not */
	char *report;			/* the console's word on it, or NULL */
};

/*
 * The clean recording life, when it died: the guest died or hung (vm_status
 * 125, 124, or killed) while the journal had no plan yet, or an earlier
 * boot's did (d). Its "done 0" line goes into the host's journal, so that the
 * summary counts it (campaign.h).
 */
static void end_dead_recording(const char *journal_path, const struct journal *jn,
			       int vm_status, bool killed, const char *report,
			       struct recording_death *d)
{
	int fd;

	if (jn->recording.status != LOAD_PENDING) {
		/* The guest's own word (its loader killed), or this boot's host's. */
		d->status = jn->recording.status;
		if (jn->recording.console && !d->report)
			d->report = xstrdup(jn->recording.console);
		return;
	}
	if (!jn->recorded && !jn->sequential && (vm_status == 124 || vm_status == 125 || killed)) {
		d->status = vm_status == 125 ? LOAD_CRASH : LOAD_LOST;
		free(d->report);
		d->report = report ? xstrdup(report) : NULL;
	}
	if (d->status == LOAD_PENDING)
		return;
	fd = open(journal_path, O_WRONLY | O_APPEND);
	if (fd < 0)
		return;
	write_death(fd, 0, d->status, false, d->report);
	close(fd);
}

/*
 * qemu's own errors in what ddv vm said (vm/run gives each line of qemu's
 * standard error as "vm/run: qemu: ..."; its warnings left out), joined by
 * "; ", or NULL when there is none.
 */
static char *qemu_errors(const char *err_path)
{
	struct strbuf sb = { 0 };
	char *text, *save = NULL;
	size_t size;

	if (read_whole_file(err_path, (void **)&text, &size))
		return NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *q = strstr(line, ": qemu: ");

		if (q && !strstr(q, "warning:"))
			sb_printf(&sb, "%s%s", sb.len ? "; " : "", q + strlen(": qemu: "));
	}
	free(text);
	return sb.s;
}

/*
 * Boots the VM once and takes back the journal lines its console carried,
 * into *jn. Returns the loads that ended in this boot, or -1 when no
 * journal came back.
 */
static int boot_once(struct campaign *c, const struct campaign_vm_opts *o,
		     const char *guest_driver, int n, struct journal *jn,
		     struct recording_death *recording_died)
{
	struct boot b = { .n = n };
	unsigned int dones = 0, added;
	char *qemu, *report;
	time_t t0 = time(NULL);
	int vm_status, fd;

	struct console_follow follow = { .c = c, .boot = n, .bound = life_bound(c) };

	boot_prepare(&b, c, o, guest_driver);
	follow.log = b.log;
	unlink(b.log);		/* a log of an earlier campaign is not this boot's */
	vm_status = run_self_ticking(b.args, follow_console, &follow, b.err);
	follow.bound = LONG_MAX;	/* the rest of the console, the VM gone: read, not judged */
	follow_console(&follow);
	sb_free(&follow.partial);
	fd = open(c->journal_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	added = fd >= 0 ? harvest_console(b.log, fd, &dones) : 0;
	if (fd >= 0)
		close(fd);
	journal_free(jn);
	/* qemu that refused to start gave no guest: it would refuse the next boot too. */
	qemu = added ? NULL : qemu_errors(b.err);
	if (qemu) {
		ddv_error(EINVAL, "campaign: boot %d: qemu did not start the guest: %s", n, qemu);
		free(qemu);
		boot_free(&b);
		return -1;
	}
	if (journal_load_file(c->journal_path, jn)) {
		ddv_error(0, "campaign: boot %d: no journal came back (console log %s, ddv vm's "
			  "messages %s)", n, b.log, b.err);
		boot_free(&b);
		return -1;
	}
	/* What a guest that died (or was killed) said of it on the console. */
	report = vm_status == 124 || vm_status == 125 || follow.killed ? console_report(b.log) :
		 NULL;
	dones += end_dead_loads(c->journal_path, jn, vm_status == 124 || follow.killed, report);
	end_dead_recording(c->journal_path, jn, vm_status, follow.killed, report, recording_died);
	free(report);
	journal_free(jn);
	journal_load_file(c->journal_path, jn);
	if (jn->recording.status != LOAD_PENDING && !jn->recorded && !jn->sequential)
		fprintf(stderr, "campaign %s: boot %d: the clean recording life died (%s): no "
			"plan\n", c->module, n, load_status_name(jn->recording.status));
	fprintf(stderr, "campaign %s: boot %d: %ld s, guest status %d, %u journal lines, "
		"%u loads ended (console: %s)\n", c->module, n, (long)(time(NULL) - t0),
		vm_status, added, dones, b.log);
	boot_free(&b);
	return dones;
}

int campaign_vm(struct campaign *c, bool resume, const struct campaign_vm_opts *o)
{
	const char *base = strrchr(c->driver, '/');
	char *guest_driver = base || strstr(c->driver, ".ko") ?
			     xasprintf("/root/%s", base ? base + 1 : c->driver) : xstrdup(c->driver);
	struct journal jn = { 0 };
	struct recording_death recording_died = { .status = LOAD_PENDING };
	int status = EXIT_ERROR, stuck = 0;

	mkdir_p(o->out_dir, 0755);
	if (!resume) {
		int fd = open(c->journal_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0) {
			ddv_error(errno, "campaign: journal %s", c->journal_path);
			free(guest_driver);
			return EXIT_ERROR;
		}
		close(fd);
	}
	for (int boot = 1; boot <= o->boots; boot++) {
		int dones = boot_once(c, o, guest_driver, boot, &jn, &recording_died);

		if (dones < 0)
			break;
		/* A dry run records and plans in one boot, and tries nothing. */
		if (c->dry_run) {
			if (jn.recorded)
				print_plan(&jn);
			status = jn.recorded ? EXIT_OK : EXIT_ERROR;
			journal_free(&jn);
			free(recording_died.report);
			free(guest_driver);
			return status;
		}
		if (jn.ended) {
			status = EXIT_OK;
			break;
		}
		/* Two boots in a row that learnt nothing: the guest cannot get on. */
		stuck = dones ? 0 : stuck + 1;
		if (stuck >= 2) {
			ddv_error(0, "campaign: two boots ended no load: stopping (see the console "
				  "logs in %s)", o->out_dir);
			break;
		}
	}
	if (jn.driver) {
		if (jn.recording.status != LOAD_PENDING)
			print_load_line(c, &jn.recording, NULL);
		for (size_t i = 0; i < jn.nloads; i++)
			if (jn.loads[i].status != LOAD_PENDING)
				print_load_line(c, &jn.loads[i], journal_phase_of(&jn, jn.loads[i].n));
		int found = summarize(&jn, c, 0);

		if (found < 0)
			status = EXIT_ERROR;
		else if (found && status == EXIT_OK)
			status = EXIT_FINDINGS;
	}
	journal_free(&jn);
	free(recording_died.report);
	free(guest_driver);
	return status;
}
