/* trigger.c: ddv inject on: triggers parsed, set in the runtime, their commands run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ddv/logrec.h>
#include <ddv/uapi.h>

#include "logring.h"
#include "runtime.h"
#include "trigger.h"
#include "util.h"

#define STATE_TRIGGER_COMMANDS "trigger-commands"
#define MAX_IDS 64

/* Runtime message ids (pack 0), from the X-macro list (its enums included first). */
#include <ddv/runtime_msgs.h>
enum {
#define DDV_RT_MSG(name, rule, sev, text, nargs, ...) RT_##name,
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

static const char *const phase_names[] = { "any", "load", "live", "unload" };

static bool is_keyword(const char *w)
{
	return !strcmp(w, "in") || !strcmp(w, "fail") || !strcmp(w, "delay") || !strcmp(w, "run");
}

static bool parse_num(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && !*end && !errno && s[0] != '-';
}

int trigger_parse_cond(const char *text, struct trigger_spec *s)
{
	static const struct {
		const char *op;
		unsigned int cmp;
	} ops[] = {	/* two-character operators first */
		{ "==", DDV_TRIGGER_EQ }, { "!=", DDV_TRIGGER_NE }, { "<=", DDV_TRIGGER_LE },
		{ ">=", DDV_TRIGGER_GE }, { "<", DDV_TRIGGER_LT }, { ">", DDV_TRIGGER_GT },
		{ "&", DDV_TRIGGER_AND },
	};
	char buf[128], *p = buf, *q;
	size_t n = 0;

	for (const char *c = text; *c && n + 1 < sizeof(buf); c++)
		if (*c != ' ')
			buf[n++] = *c;
	buf[n] = '\0';
	if (strncmp(p, "arg", 3) || p[3] < '1' || p[3] > '6')
		goto bad;
	s->arg = p[3] - '0';
	p += 4;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].op);

		if (strncmp(p, ops[i].op, len))
			continue;
		q = p + len;
		if (*q == '-') {
			/* A negative value, as the kernel passes it: two's complement. */
			if (!parse_num(q + 1, &s->value))
				goto bad;
			s->value = -s->value;
		} else if (!parse_num(q, &s->value)) {
			goto bad;
		}
		s->cmp = ops[i].cmp;
		return 0;
	}
bad:
	s->arg = 0;
	return -EINVAL;
}

int trigger_parse(int nwords, char **words, struct trigger_spec *s)
{
	const char *colon;
	int i = 1;

	memset(s, 0, sizeof(*s));
	s->nth = 1;
	if (nwords < 2 || is_keyword(words[0]) || !strcmp(words[0], "if"))
		goto usage;
	colon = strchr(words[0], ':');
	s->func = colon ? xstrndup(words[0], colon - words[0]) : xstrdup(words[0]);
	if (!*s->func || (colon && (!parse_num(colon + 1, &s->nth) || !s->nth))) {
		ddv_error(0, "inject on: '%s': expected FUNC or FUNC:N (N from 1)", words[0]);
		goto fail;
	}
	if (!strcmp(words[i], "if")) {
		struct strbuf cond = { 0 };
		int err;

		for (i++; i < nwords && !is_keyword(words[i]); i++)
			sb_puts(&cond, words[i]);
		err = trigger_parse_cond(cond.s ? cond.s : "", s);
		if (err)
			ddv_error(0, "inject on: condition '%s': %s", cond.s ? cond.s : "",
				  TRIGGER_COND_FORM);
		sb_free(&cond);
		if (err)
			goto fail;
	}
	if (i < nwords && !strcmp(words[i], "in")) {
		if (++i == nwords)
			goto usage;
		for (s->phase = 1; s->phase < 4; s->phase++)
			if (!strcmp(words[i], phase_names[s->phase]))
				break;
		if (s->phase == 4) {
			/* A campaign's workload and rebind run while the driver is live. */
			bool campaign = !strcmp(words[i], "workload") || !strcmp(words[i], "rebind");

			ddv_error(0, "inject on: phase '%s': load, live or unload%s", words[i],
				  campaign ? " (a campaign's workload and rebind phases are 'live')" : "");
			goto fail;
		}
		i++;
	}
	if (i >= nwords)
		goto usage;
	if (!strcmp(words[i], "fail") && (nwords - i == 2 || nwords - i == 3)) {
		s->action = DDV_TRIGGER_FAIL;
		s->target = xstrdup(words[i + 1]);
		s->amount = 1;
		if (nwords - i == 3 && (!parse_num(words[i + 2], &s->amount) || !s->amount ||
					s->amount > 1000)) {
			ddv_error(0, "inject on: fail FUNC K: K from 1 to 1000");
			goto fail;
		}
	} else if (!strcmp(words[i], "delay") && nwords - i == 2) {
		s->action = DDV_TRIGGER_DELAY;
		if (!parse_num(words[i + 1], &s->amount) || !s->amount || s->amount > 1000000) {
			ddv_error(0, "inject on: delay US: from 1 to 1000000 microseconds");
			goto fail;
		}
	} else if (!strcmp(words[i], "run") && nwords - i >= 2) {
		struct strbuf cmd = { 0 };

		s->action = DDV_TRIGGER_RUN;
		for (int j = i + 1; j < nwords; j++)
			sb_printf(&cmd, "%s%s", j > i + 1 ? " " : "", words[j]);
		s->command = cmd.s;
		if (!*s->command || strchr(s->command, '\n')) {
			ddv_error(0, "inject on: run CMD: one shell line");
			goto fail;
		}
	} else {
		goto usage;
	}
	return 0;
usage:
	ddv_error(0, "inject on: expected FUNC[:N] [if argI OP VALUE] [in load|live|unload] "
		  "fail FUNC2 [K] | delay US | run CMD");
fail:
	trigger_spec_free(s);
	return -EINVAL;
}

void trigger_spec_free(struct trigger_spec *s)
{
	free(s->func);
	free(s->target);
	free(s->command);
	memset(s, 0, sizeof(*s));
}

/* Appends the command; returns its number (from 1), or -errno. */
static int keep_command(const char *command)
{
	char *path = state_path(STATE_TRIGGER_COMMANDS), *text = NULL;
	size_t size = 0;
	int n = 1;
	FILE *f;

	if (!read_whole_file(path, (void **)&text, &size))
		for (size_t i = 0; i < size; i++)
			n += text[i] == '\n';
	free(text);
	f = fopen(path, "a");
	if (!f || fprintf(f, "%s\n", command) < 0 || fclose(f)) {
		ddv_error(errno, "%s", path);
		free(path);
		return -EIO;
	}
	free(path);
	return n;
}

/* The Nth command kept (malloc'ed), or NULL. */
static char *kept_command(uint64_t n)
{
	char *path = state_path(STATE_TRIGGER_COMMANDS), *text = NULL, *line, *cmd = NULL;
	size_t size = 0;

	if (!read_whole_file(path, (void **)&text, &size)) {
		line = text;
		for (uint64_t i = 1; line && i < n; i++) {
			line = memchr(line, '\n', size - (line - text));
			line = line && line + 1 < text + size ? line + 1 : NULL;
		}
		if (line && n)
			cmd = xstrndup(line, strcspn(line, "\n"));
	}
	free(text);
	free(path);
	return cmd;
}

void trigger_forget(void)
{
	char *path = state_path(STATE_TRIGGER_COMMANDS);

	unlink(path);
	free(path);
}

/* FUNC as runtime ids, through the same tables "ddv inject nth" reads. */
static int ids_of(const struct rt_tables *rt, const char *name, unsigned int *ids, bool fallible)
{
	int n = find_funcs(rt, name, ids, MAX_IDS);

	if (!n) {
		ddv_error(ENOENT, "inject on: %s: no loaded pack probes this function", name);
		return -ENOENT;
	}
	if (fallible) {
		int k = 0;

		for (int i = 0; i < n; i++)
			if (rt_func_fallible(rt_func_by_id(rt, ids[i])) > 0)
				ids[k++] = ids[i];
		if (!k) {
			ddv_error(EINVAL, "inject on: fail %s: the runtime cannot fail its calls "
				  "(ddv status --functions)", name);
			return -EINVAL;
		}
		n = k;
	}
	return n;
}

int trigger_set(int fd, const struct trigger_spec *s)
{
	unsigned int funcs[MAX_IDS], targets[MAX_IDS];
	int nfuncs, ntargets = 1, command = 0, err = 0;
	struct rt_tables rt;

	if (runtime_tables(fd, &rt))
		return -EIO;
	nfuncs = ids_of(&rt, s->func, funcs, false);
	if (nfuncs > 0 && s->action == DDV_TRIGGER_FAIL)
		ntargets = ids_of(&rt, s->target, targets, true);
	rt_tables_free(&rt);
	if (nfuncs < 0 || ntargets < 0)
		return nfuncs < 0 ? nfuncs : ntargets;
	/* An API of several symbols: a trigger per symbol watched and per symbol failed. */
	if (nfuncs * ntargets > 16) {
		ddv_error(ENOSPC, "inject on: %s and %s are %d symbol pairs: 16 triggers at most",
			  s->func, s->target ? s->target : "", nfuncs * ntargets);
		return -ENOSPC;
	}
	if (s->action == DDV_TRIGGER_RUN) {
		command = keep_command(s->command);
		if (command < 0)
			return command;
	}
	for (int i = 0; i < nfuncs && !err; i++) {
		for (int j = 0; j < ntargets && !err; j++) {
			uint64_t out[4] = { 0 };
			uint64_t args[9] = {
				DDV_INJECT_TRIGGER, funcs[i], s->nth, s->arg << 8 | s->cmp, s->value,
				s->phase, s->action,
				s->action == DDV_TRIGGER_FAIL ? targets[j] : 0,
				s->action == DDV_TRIGGER_RUN ? (uint64_t)command : s->amount,
			};

			err = ctl_call(fd, DDV_OP_INJECT, 9, args, out);
			if (err == -ENOSPC)
				ddv_error(ENOSPC, "inject on: 16 triggers are set already (ddv inject "
					  "off clears them)");
			else if (err)
				ddv_error(-err, "inject on %s", s->func);
			else
				printf("ddv: trigger %llu set\n", (unsigned long long)out[0]);
		}
	}
	return err;
}

/* Runs cmd through /bin/sh, detached: the ddv reading the log goes on at once. */
static void run_detached(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (fork() == 0) {
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

void trigger_act(const void *buf, size_t len)
{
	struct ddv_logrec rec;
	struct logdec d;
	int r;

	logdec_init(&d, buf, len);
	while ((r = logdec_next(&d, &rec)) != 0) {
		char *cmd;

		if (r < 0 || rec.kind != DDV_LOGREC_EVENT ||
		    rec.msg != DDV_MSG_ID(0, RT_TRIGGER_FIRED) || rec.nargs < 6 ||
		    rec.args[3] != DDV_TRIGGER_RUN)
			continue;
		cmd = kept_command(rec.args[5]);
		if (!cmd) {
			ddv_warn("trigger %llu fired: its command %llu is not in the state directory "
				 "(set by another ddv start?)", (unsigned long long)rec.args[0],
				 (unsigned long long)rec.args[5]);
			continue;
		}
		fprintf(stderr, "ddv: trigger %llu fired: running '%s'\n",
			(unsigned long long)rec.args[0], cmd);
		fflush(stderr);
		fflush(stdout);
		run_detached(cmd);
		free(cmd);
	}
}
