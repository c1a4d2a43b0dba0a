/* cmd_control.c: "ddv trace" and "ddv inject": run-time settings of the runtime. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "cli.h"
#include "commands.h"

#define ALL_FUNCS 0xffffffffffffffffULL
#define MAX_IDS 64

static const char *const level_names[] = {
	[DDV_TRACE_OFF] = "off",
	[DDV_TRACE_ON_VIOLATION] = "violation",
	[DDV_TRACE_CALLS] = "calls",
	[DDV_TRACE_STACK] = "stack",
};

/* FUNC as runtime ids: "all", an exported symbol, or an API name grouping several. */
static int resolve(int fd, const char *name, uint64_t *ids, unsigned int *n)
{
	unsigned int found[MAX_IDS];
	struct rt_tables rt;
	int count;

	if (!strcmp(name, "all")) {
		ids[0] = ALL_FUNCS;
		*n = 1;
		return 0;
	}
	if (runtime_tables(fd, &rt))
		return -EIO;
	count = find_funcs(&rt, name, found, MAX_IDS);
	rt_tables_free(&rt);
	if (!count) {
		ddv_error(ENOENT, "%s: no loaded pack probes this function", name);
		return -ENOENT;
	}
	for (int i = 0; i < count; i++)
		ids[i] = found[i];
	*n = count;
	return 0;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && !*end && !errno && s[0] != '-';
}

int cmd_trace(int argc, char **argv)
{
	uint64_t ids[MAX_IDS], level = ~0ULL;
	unsigned int n;
	int fd, err;

	if (argc != 3) {
		printf("usage: ddv trace FUNC|all off|violation|calls|stack\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
	}
	for (uint64_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(argv[2], level_names[i]))
			level = i;
	if (level == ~0ULL) {
		ddv_error(0, "trace: level '%s': off, violation, calls or stack", argv[2]);
		return EXIT_USAGE;
	}
	fd = ctl_open();
	if (fd < 0 || resolve(fd, argv[1], ids, &n))
		return EXIT_ERROR;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t args[2] = { ids[i], level };

		err = ctl_call(fd, DDV_OP_SET_TRACE, 2, args, NULL);
		if (err) {
			ddv_error(-err, "trace %s", argv[1]);
			return EXIT_ERROR;
		}
	}
	close(fd);
	return EXIT_OK;
}

static int inject_usage(FILE *f)
{
	fprintf(f, "usage: ddv inject nth FUNC N\n"
		   "       ddv inject nth-any N\n"
		   "       ddv inject random FUNC|all PERCENT [--consecutive K]\n"
		   "       ddv inject off\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

/* "12.5" percent as parts per million, without floating point surprises. */
static bool parse_percent(const char *s, uint64_t *ppm)
{
	double pct;
	char *end;

	pct = strtod(s, &end);
	if (!*s || *end || pct < 0 || pct > 100)
		return false;
	*ppm = (uint64_t)(pct * 10000 + 0.5);
	return true;
}

int cmd_inject(int argc, char **argv)
{
	uint64_t ids[MAX_IDS], n, k = 0;
	unsigned int nids = 0;
	const char *mode;
	int fd, err = 0;

	if (argc < 2)
		return inject_usage(stderr);
	mode = argv[1];
	if (!strcmp(mode, "--help") || !strcmp(mode, "-h"))
		return inject_usage(stdout);
	fd = ctl_open();
	if (fd < 0)
		return EXIT_ERROR;
	if (!strcmp(mode, "off") && argc == 2) {
		uint64_t args[1] = { DDV_INJECT_OFF };

		err = ctl_call(fd, DDV_OP_INJECT, 1, args, NULL);
	} else if (!strcmp(mode, "nth") && argc == 4) {
		if (!parse_u64(argv[3], &n) || !n) {
			ddv_error(0, "inject nth: N must be a number from 1");
			return EXIT_USAGE;
		}
		if (resolve(fd, argv[2], ids, &nids))
			return EXIT_ERROR;
		if (ids[0] == ALL_FUNCS) {
			ddv_error(0, "inject nth: one function (for any function: nth-any)");
			return EXIT_USAGE;
		}
		/* An API (kmalloc) may be several symbols: each counts its own calls. */
		if (nids > 1)
			printf("ddv: %s is %u exported functions: call %llu of each fails\n",
			       argv[2], nids, (unsigned long long)n);
		for (unsigned int i = 0; i < nids && !err; i++)
			err = ctl_call(fd, DDV_OP_INJECT, 3,
				       (uint64_t[]){ DDV_INJECT_NTH_FUNC, ids[i], n }, NULL);
	} else if (!strcmp(mode, "nth-any") && argc == 3) {
		if (!parse_u64(argv[2], &n) || !n) {
			ddv_error(0, "inject nth-any: N must be a number from 1");
			return EXIT_USAGE;
		}
		err = ctl_call(fd, DDV_OP_INJECT, 2, (uint64_t[]){ DDV_INJECT_NTH_ANY, n }, NULL);
	} else if (!strcmp(mode, "random") && (argc == 4 || argc == 6)) {
		uint64_t ppm;

		if (!parse_percent(argv[3], &ppm)) {
			ddv_error(0, "inject random: PERCENT must be from 0 to 100");
			return EXIT_USAGE;
		}
		if (argc == 6 && (strcmp(argv[4], "--consecutive") || !parse_u64(argv[5], &k))) {
			ddv_error(0, "inject random: expected --consecutive K");
			return EXIT_USAGE;
		}
		if (resolve(fd, argv[2], ids, &nids))
			return EXIT_ERROR;
		for (unsigned int i = 0; i < nids && !err; i++)
			err = ctl_call(fd, DDV_OP_INJECT, 4,
				       (uint64_t[]){ DDV_INJECT_RANDOM, ids[i], ppm, k }, NULL);
	} else {
		close(fd);
		return inject_usage(stderr);
	}
	close(fd);
	if (err) {
		ddv_error(-err, "inject %s", mode);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
