/* cmd_status.c: "ddv status": the runtime's counters, losses first-class. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "util.h"
#include "module.h"
#include "runtime.h"
#include "commands.h"

#define MAX_DUT_IDS 64

/*
 * "PREFIX4096 KiB per CPU x 2": the ring the runtime took (its parameter,
 * as sized at load); false, printing nothing, when sysfs does not say.
 */
bool print_log_ring(const char *prefix)
{
	const char *dir = getenv("DDV_SYSFS_MODULE");
	char *path = xasprintf("%s/parameters/log_ring_bytes",
			       dir && *dir ? dir : "/sys/module/ddv");
	unsigned long long bytes;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	char *text = NULL;
	bool known;
	size_t size;

	known = !read_whole_file(path, (void **)&text, &size) &&
		sscanf(text, "%llu", &bytes) == 1 && bytes;
	if (known)
		printf("%s%llu KiB per CPU x %ld", prefix, bytes >> 10, cpus > 0 ? cpus : 1);
	free(text);
	free(path);
	return known;
}

static void print_status(const char *who, const struct ddv_status *st)
{
	printf("%s:\n", who);
	printf("  calls            %llu\n", (unsigned long long)st->calls);
	printf("  violations       %llu\n", (unsigned long long)st->violations);
	printf("  faults injected  %llu\n", (unsigned long long)st->injected);
	if (st->unknown_before_attach)
		printf("  unknown before attach %llu  (rules not checked: objects made before ddv attach or dropped by the full store)\n",
		       (unsigned long long)st->unknown_before_attach);
	printf("  sites            %llu redirected, %llu refused\n",
	       (unsigned long long)st->sites_patched, (unsigned long long)st->sites_refused);
	printf("  objects          %llu live of %llu\n", (unsigned long long)st->store_live,
	       (unsigned long long)st->store_capacity);
	/* Losses are never silent: each says what it costs. */
	printf("  store drops      %llu%s\n", (unsigned long long)st->store_drops,
	       st->store_drops ? "  (objects not tracked: findings about them are missing)" : "");
	printf("  log drops        %llu%s\n", (unsigned long long)st->log_drops,
	       st->log_drops ? "  (records lost: findings may be missing; a larger ring: "
	       "ddv stop, ddv start --log-size SIZE)" : "");
}

/*
 * The probed functions with what the injector may do to each: its fault
 * class, its failure values, and whether a campaign counts its calls.
 */
static int print_functions(int fd)
{
	struct rt_tables rt;

	if (runtime_tables(fd, &rt))
		return EXIT_ERROR;
	printf("%-5s %-8s %-28s %-24s %-8s %-6s %s\n", "id", "pack", "symbol", "api", "class",
	       "nfail", "fallible");
	for (unsigned int i = 0; i < rt.nfuncs; i++) {
		const struct rt_func *f = &rt.funcs[i];
		int fallible = rt_func_fallible(f);
		char nfail[16] = "-";

		if (f->nfail >= 0)
			snprintf(nfail, sizeof(nfail), "%d", f->nfail);
		printf("%-5u %-8s %-28s %-24s %-8s %-6s %s\n", f->id, f->pack, f->symbol, f->api,
		       f->fault_class ? f->fault_class : "-", nfail,
		       fallible < 0 ? "unknown" : fallible ? "yes" : "no");
	}
	printf("%u functions\n", rt.nfuncs);
	rt_tables_free(&rt);
	return EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
	struct ddv_status st;
	uint64_t args[3];
	bool functions = false;
	int fd, err;

	if (argc > 1 && !strcmp(argv[1], "--functions")) {
		functions = true;
		argc--;
		argv++;
	}
	if (argc > 1) {
		printf("usage: ddv status [--functions]\n");
		return strcmp(argv[1], "--help") ? EXIT_USAGE : EXIT_OK;
	}
	fd = ctl_open();
	if (fd < 0)
		return EXIT_ERROR;
	if (functions) {
		err = print_functions(fd);
		close(fd);
		return err;
	}
	memset(&st, 0, sizeof(st));
	args[0] = 0;
	args[1] = (uintptr_t)&st;
	args[2] = sizeof(st);
	err = ctl_call(fd, DDV_OP_STATUS, 3, args, NULL);
	if (err) {
		ddv_error(-err, "/dev/ddv: status");
		close(fd);
		return EXIT_ERROR;
	}
	print_status("runtime", &st);
	if (print_log_ring("  log ring         "))
		printf("\n");
	/* Each driver under test: the latest site table kept for its id names it. */
	for (unsigned int dut = 1; dut < MAX_DUT_IDS; dut++) {
		struct site_table t;
		unsigned int gen;
		char *who;

		memset(&st, 0, sizeof(st));
		args[0] = dut;
		if (ctl_call(fd, DDV_OP_STATUS, 3, args, NULL))
			continue;
		for (gen = 1; !state_load_sites(dut, gen, &t); gen++)
			site_table_free(&t);
		who = gen > 1 && !state_load_sites(dut, gen - 1, &t) ?
			xasprintf("driver %u (%s)", dut, t.module) : xasprintf("driver %u", dut);
		if (gen > 1)
			site_table_free(&t);
		print_status(who, &st);
		free(who);
	}
	close(fd);
	return EXIT_OK;
}
