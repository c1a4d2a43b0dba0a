/* test_trigger.c: "ddv inject on" words parsed, and a run trigger's record running its command. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/logrec.h>

#include "logring.h"
#include "runtime.h"
#include "trigger.h"
#include "util.h"

/* Runtime message ids (pack 0), as trigger.c numbers them. */
#include <ddv/runtime_msgs.h>
enum {
#define DDV_RT_MSG(name, rule, sev, text, nargs, ...) RT_##name,
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

static int parse(const char *line, struct trigger_spec *s)
{
	char *copy = xstrdup(line), *save = NULL, *words[16];
	int n = 0, err;

	for (char *w = strtok_r(copy, " ", &save); w && n < 16; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	err = trigger_parse(n, words, s);
	free(copy);
	return err;
}

Test(trigger_parse, the_whole_form)
{
	struct trigger_spec s;

	cr_assert_eq(parse("scsi_dma_map:3 if arg2==0x20 in live fail kmalloc 4", &s), 0);
	cr_assert_str_eq(s.func, "scsi_dma_map");
	cr_assert_eq(s.nth, 3);
	cr_assert_eq(s.arg, 2);
	cr_assert_eq(s.cmp, DDV_TRIGGER_EQ);
	cr_assert_eq(s.value, 0x20);
	cr_assert_eq(s.phase, 2);
	cr_assert_eq(s.action, DDV_TRIGGER_FAIL);
	cr_assert_str_eq(s.target, "kmalloc");
	cr_assert_eq(s.amount, 4);
	trigger_spec_free(&s);
}

Test(trigger_parse, defaults_and_spaced_conditions)
{
	struct trigger_spec s;

	cr_assert_eq(parse("kmalloc fail dma_alloc_coherent", &s), 0);
	cr_assert_eq(s.nth, 1);
	cr_assert_eq(s.arg, 0);
	cr_assert_eq(s.cmp, DDV_TRIGGER_ANY);
	cr_assert_eq(s.phase, 0);
	cr_assert_eq(s.amount, 1, "fail: the next call");
	trigger_spec_free(&s);
	cr_assert_eq(parse("kmalloc_trace if arg3 >= 4096 in unload delay 250", &s), 0);
	cr_assert_eq(s.arg, 3);
	cr_assert_eq(s.cmp, DDV_TRIGGER_GE);
	cr_assert_eq(s.value, 4096);
	cr_assert_eq(s.phase, 3);
	cr_assert_eq(s.action, DDV_TRIGGER_DELAY);
	cr_assert_eq(s.amount, 250);
	trigger_spec_free(&s);
	cr_assert_eq(parse("f if arg1 & 0x3 run echo", &s), 0);
	cr_assert_eq(s.cmp, DDV_TRIGGER_AND);
	cr_assert_eq(s.value, 3);
	trigger_spec_free(&s);
	cr_assert_eq(parse("f if arg1!=-1 run echo", &s), 0);
	cr_assert_eq(s.cmp, DDV_TRIGGER_NE);
	cr_assert_eq(s.value, ~0ull, "a negative value: two's complement");
	trigger_spec_free(&s);
}

Test(trigger_parse, operators)
{
	static const struct { const char *op; unsigned int cmp; } ops[] = {
		{ "==", DDV_TRIGGER_EQ }, { "!=", DDV_TRIGGER_NE }, { "<", DDV_TRIGGER_LT },
		{ "<=", DDV_TRIGGER_LE }, { ">", DDV_TRIGGER_GT }, { ">=", DDV_TRIGGER_GE },
		{ "&", DDV_TRIGGER_AND },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct trigger_spec s = { 0 };
		char *text = xasprintf("arg6%s17", ops[i].op);

		cr_assert_eq(trigger_parse_cond(text, &s), 0, "%s", text);
		cr_assert_eq(s.arg, 6);
		cr_assert_eq(s.cmp, ops[i].cmp, "%s", text);
		cr_assert_eq(s.value, 17);
		free(text);
	}
}

Test(trigger_parse, a_run_command_is_the_rest_of_the_line)
{
	struct trigger_spec s;
	char *words[] = { "dma_map_sg:2", "run", "sg_reset -H /dev/sg0" };
	char *split[] = { "f", "run", "ip", "link", "set", "eth0", "down" };

	cr_assert_eq(trigger_parse(3, words, &s), 0);
	cr_assert_eq(s.action, DDV_TRIGGER_RUN);
	cr_assert_str_eq(s.command, "sg_reset -H /dev/sg0");
	cr_assert_eq(s.nth, 2);
	trigger_spec_free(&s);
	cr_assert_eq(trigger_parse(7, split, &s), 0);
	cr_assert_str_eq(s.command, "ip link set eth0 down");
	trigger_spec_free(&s);
}

Test(trigger_parse, malformed_words_are_refused, .init = cr_redirect_stderr)
{
	static const char *const bad[] = {
		"kmalloc",			/* no action */
		"fail kmalloc",			/* no function */
		"kmalloc:0 fail kzalloc",	/* N from 1 */
		"kmalloc:x fail kzalloc",
		"kmalloc if fail kzalloc",	/* empty condition */
		"kmalloc if arg7==1 fail kzalloc",
		"kmalloc if arg0==1 fail kzalloc",
		"kmalloc if arg1=1 fail kzalloc",
		"kmalloc if arg1==x fail kzalloc",
		"kmalloc if size==1 fail kzalloc",
		"kmalloc in init fail kzalloc",	/* the phases are load, live, unload */
		"kmalloc in fail kzalloc",
		"kmalloc fail",
		"kmalloc fail kzalloc 0",
		"kmalloc fail kzalloc 1001",
		"kmalloc fail kzalloc 2 3",
		"kmalloc delay 0",
		"kmalloc delay 1000001",
		"kmalloc delay",
		"kmalloc run",
		"kmalloc explode",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct trigger_spec s;

		cr_assert_eq(parse(bad[i], &s), -EINVAL, "'%s' taken", bad[i]);
		cr_assert_null(s.func, "nothing left allocated");
	}
}

/* A campaign's phase names: refused, saying which of the trigger's phases holds them. */
Test(trigger_parse, a_campaigns_phase_names_its_trigger_phase, .init = cr_redirect_stderr)
{
	struct trigger_spec s;

	cr_assert_eq(parse("kmalloc in rebind fail kzalloc", &s), -EINVAL);
	fflush(stderr);
	cr_expect_stderr_eq_str("ddv: inject on: phase 'rebind': load, live or unload "
				"(a campaign's workload and rebind phases are 'live')\n");
}

/* A frame of one ddv.trigger-fired record (and one of another message). */
static size_t frame(uint8_t *buf, uint64_t trigger, uint64_t action, uint64_t command)
{
	uint64_t args[6] = { trigger, 7, 0, action, 0, command }, ref = 0, other[1] = { 1 };
	uint8_t *p = buf + DDV_LOG_FRAME_HDR;
	uint32_t len;

	*p++ = 0;	/* cpu */
	*p++ = 0;	/* ts */
	*p++ = 0;	/* ref */
	p += logrec_encode(p, 0, 0, &ref, DDV_MSG_ID(0, RT_DRIVER_LIVE), 1, other);
	p += logrec_encode(p, 0, 0, &ref, DDV_MSG_ID(0, RT_TRIGGER_FIRED), 6, args);
	len = p - buf - DDV_LOG_FRAME_HDR;
	buf[0] = DDV_LOG_FRAME_MAGIC;
	memcpy(buf + 1, &len, 4);
	buf[5] = DDV_LOG_FRAME_CHECK ^ buf[1] ^ buf[2] ^ buf[3] ^ buf[4];
	return p - buf;
}

static bool appears(const char *path)
{
	for (int i = 0; i < 200; i++) {
		if (!access(path, F_OK))
			return true;
		usleep(10000);
	}
	return false;
}

Test(trigger_act, a_run_records_command_runs_once_others_do_not, .init = cr_redirect_stderr)
{
	char dir[] = "/tmp/ddv-trigger-XXXXXX", *cmds, *ran1, *ran2, *text;
	uint8_t buf[512];
	size_t n;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	setenv("DDV_STATE_DIR", dir, 1);
	cmds = xasprintf("%s/trigger-commands", dir);
	ran1 = xasprintf("%s/ran1", dir);
	ran2 = xasprintf("%s/ran2", dir);
	f = fopen(cmds, "w");
	cr_assert_not_null(f);
	fprintf(f, "echo one >%s\necho two >%s\n", ran1, ran2);
	fclose(f);
	/* A fail trigger's record runs nothing, whatever its amount. */
	n = frame(buf, 1, DDV_TRIGGER_FAIL, 1);
	trigger_act(buf, n);
	n = frame(buf, 2, DDV_TRIGGER_RUN, 2);
	trigger_act(buf, n);
	cr_assert(appears(ran2), "command 2 ran");
	cr_assert_eq(read_whole_file(ran2, (void **)&text, &n), 0);
	cr_assert_str_eq(text, "two\n");
	free(text);
	usleep(100000);
	cr_assert_neq(access(ran1, F_OK), 0, "command 1 was not asked for");
	/* A command number the state does not have: a warning, nothing run. */
	n = frame(buf, 3, DDV_TRIGGER_RUN, 9);
	trigger_act(buf, n);
	trigger_forget();
	cr_assert_neq(access(cmds, F_OK), 0, "inject off forgets the commands");
	unlink(ran2);
	rmdir(dir);
	free(cmds);
	free(ran1);
	free(ran2);
}
