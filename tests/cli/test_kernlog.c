/* test_kernlog.c: the kernel's complaints parsed from real /dev/kmsg records (cli/lib/kernlog.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "kernlog.h"

/*
 * Kept by ddv from Debian's 6.1.0-57 in the test VM (tests/vm/kernel-complaints.sh):
 * warn_alloc's five WARN_ON()s after one injected failure, and oops_null's
 * NULL pointer write after one.
 */
#define WARN_LOG SRCDIR "/tests/cli/data/kmsg-warn.txt"
#define OOPS_LOG SRCDIR "/tests/cli/data/kmsg-oops.txt"

static void parse_file(const char *path, struct kcomplaints *kc)
{
	size_t size;
	char *text;

	cr_assert_eq(read_whole_file(path, (void **)&text, &size), 0, "%s", path);
	kernlog_parse(text, size, kc);
	free(text);
}

static void parse_text(const char *text, struct kcomplaints *kc)
{
	kernlog_parse(text, strlen(text), kc);
}

Test(kernlog, five_identical_warnings)
{
	struct kcomplaints kc = { 0 };
	char *key0, *key;

	parse_file(WARN_LOG, &kc);
	cr_assert_eq(kc.n, 5);
	kernlog_key(&kc.v[0], true, &key0);
	for (size_t i = 0; i < kc.n; i++) {
		const struct kcomplaint *c = &kc.v[i];

		cr_assert_eq(c->kind, KC_WARNING);
		cr_assert_str_eq(c->title, "WARNING at /work/wt-campaign/build/tests/fixtures/"
				 "warn_alloc.c:33 warn_alloc_refill+0x14 [warn_alloc]");
		cr_assert_str_eq(c->where, "warn_alloc_refill+0x14 [warn_alloc]");
		/* The RIP first, then the trace's reliable frames: no "?" guess, no sizes. */
		cr_assert_eq(c->nframes, 7);
		cr_assert_str_eq(c->frames[0], "warn_alloc_refill+0x14 [warn_alloc]");
		cr_assert_str_eq(c->frames[1], "warn_alloc_init+0x59 [warn_alloc]");
		cr_assert_str_eq(c->frames[2], "do_one_initcall+0x59");
		cr_assert_str_eq(c->frames[6], "entry_SYSCALL_64_after_hwframe+0x6e");
		cr_assert(kernlog_names_module(c, "warn_alloc"));
		cr_assert(!kernlog_names_module(c, "warn"));
		kernlog_key(c, true, &key);
		cr_assert_str_eq(key, key0);
		free(key);
	}
	/* The complaint's record is its WARNING line, not the "cut here" before it. */
	cr_assert_eq(kc.v[0].seq, 362);
	cr_assert_eq(kc.v[0].ts_us, 6460916);
	cr_assert_lt(kc.v[3].seq, kc.v[4].seq);
	free(key0);
	kernlog_free(&kc);
}

Test(kernlog, an_oops_is_one_bug_with_the_drivers_frame)
{
	struct kcomplaints kc = { 0 };
	const struct kcomplaint *c;

	parse_file(OOPS_LOG, &kc);
	/* "BUG:" then "Oops:" is one complaint; the RIP repeated after its end is not another. */
	cr_assert_eq(kc.n, 1);
	c = &kc.v[0];
	cr_assert_eq(c->kind, KC_BUG);
	cr_assert_str_eq(c->title, "BUG: kernel NULL pointer dereference");
	cr_assert_str_eq(c->where, "strscpy+0x4f");
	cr_assert_eq(c->seq, 1469);
	cr_assert_geq(c->nframes, 3);
	cr_assert_str_eq(c->frames[0], "strscpy+0x4f");
	cr_assert_str_eq(c->frames[1], "oops_null_init+0x56 [oops_null]");
	cr_assert(kernlog_names_module(c, "oops_null"));
	kernlog_free(&kc);
}

Test(kernlog, which_records_count)
{
	struct kcomplaints kc = { 0 };

	parse_text(
		/* A user's record (facility 1) and an info one: not the kernel's complaints. */
		"12,1,100,-;WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n"
		"6,2,101,-;BUG: not at this level\n"
		/* A dictionary line of a record: skipped. */
		"4,3,102,-;kernel BUG at drivers/net/vmxnet3/vmxnet3_drv.c:1494!\n"
		" SUBSYSTEM=pci\n"
		"4,4,103,-;invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n"
		"4,5,104,-;RIP: 0010:vmxnet3_rq_rx_complete+0x9a3/0xe30 [vmxnet3]\n"
		"4,6,105,-;Call Trace:\n"
		"4,7,106,-; <IRQ>\n"
		"4,8,107,-; ? die+0x36/0x90\n"
		"4,9,108,-; vmxnet3_poll_rx_only+0x35/0xb0 [vmxnet3]\n"
		"4,10,109,-; __napi_poll+0x28/0x160\n"
		"4,11,110,-;---[ end trace 0000000000000000 ]---\n"
		"4,12,111,-;general protection fault, probably for non-canonical address "
		"0xdead000000000122: 0000 [#2] PREEMPT SMP NOPTI\n"
		"4,13,112,-;watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [ddv:187]\n",
		&kc);
	cr_assert_eq(kc.n, 3);
	cr_assert_str_eq(kc.v[0].title, "kernel BUG at drivers/net/vmxnet3/vmxnet3_drv.c:1494!");
	cr_assert_eq(kc.v[0].kind, KC_BUG);
	cr_assert_str_eq(kc.v[0].where, "vmxnet3_rq_rx_complete+0x9a3 [vmxnet3]");
	cr_assert_eq(kc.v[0].nframes, 3);
	cr_assert_str_eq(kc.v[0].frames[1], "vmxnet3_poll_rx_only+0x35 [vmxnet3]");
	cr_assert_str_eq(kc.v[0].frames[2], "__napi_poll+0x28");
	cr_assert_str_eq(kc.v[1].title, "general protection fault");
	cr_assert_str_eq(kc.v[2].title, "watchdog: BUG: soft lockup");
	kernlog_free(&kc);
}

Test(kernlog, driver_frames)
{
	const char *m;
	size_t n;

	cr_assert(kernlog_driver_frame("vmxnet3_poll_rx_only+0x35 [vmxnet3]", &m, &n));
	cr_assert_eq(n, 7);
	cr_assert_eq(strncmp(m, "vmxnet3", n), 0);
	cr_assert(!kernlog_driver_frame("__napi_poll+0x28", NULL, NULL));
	/* ddv.ko and its packs stand between the driver and the kernel. */
	cr_assert(!kernlog_driver_frame("ddv_wrap_vfree+0x10 [ddv_linux]", NULL, NULL));
	cr_assert(!kernlog_driver_frame("ddv_log_at+0x10 [ddv]", NULL, NULL));
	cr_assert(kernlog_driver_frame("f+0x10 [ddvx]", NULL, NULL));
}
