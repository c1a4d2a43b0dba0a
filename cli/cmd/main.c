/* main.c: the ddv command's entry: finds the subcommand and runs it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/limits.h>
#include <ddv/uapi.h>

#include "runtime.h"
#include "util.h"
#include "commands.h"

static const struct command commands[] = {
	{ "start", cmd_start, "[--modules DIR] [--packs DIR] [--log-size SIZE] [PARAM=VALUE...]",
	  "load the runtime (ddv.ko) and the pack modules", false },
	{ "load", cmd_load, "[--timeout S] [--with MOD,...|--alone] DRIVER|FILE.ko [PARAM=VALUE...]",
	  "arm ddv for a driver and its family, then load them (finit_module only)", true },
	{ "attach", cmd_attach, "NAME [--path FILE.ko]", "redirect a driver that is loaded already", true },
	{ "unload", cmd_unload, "NAME", "unload a driver and its family (the leak check runs)", true },
	{ "detach", cmd_detach, "NAME", "stop checking a driver, leave it loaded", true },
	{ "log", cmd_log, "[--follow] [--json]", "print every log record", false },
	{ "report", cmd_report, "[--json | --format text|json|ktap|junit]",
	  "print the findings and a summary (ktap, junit: for CI)", false },
	{ "status", cmd_status, "[--functions]",
	  "print the runtime's counters, losses included, or its functions", false },
	{ "trace", cmd_trace, "FUNC|all off|violation|calls|stack", "set a function's trace level", true },
	{ "inject", cmd_inject,
	  "nth FUNC N | nth-any N | random FUNC PCT [--consecutive K] | plan KEY=VALUE... | off",
	  "inject faults", true },
	{ "campaign", cmd_campaign, "exhaustive [--timeout S] [--max N] [--resume] DRIVER [PARAMS]",
	  "load the driver again and again, failing its Nth fallible call on load N", false },
	{ "scope", cmd_scope, "begin|end NAME DRIVER",
	  "a leak scope: objects the driver creates between begin and end and still holds are leaks", true },
	{ "off", cmd_switch, "FUNC|RULE-ID", "switch a hot function or a rule off", true },
	{ "on", cmd_switch, "FUNC|RULE-ID", "switch it back on", true },
	{ "stop", cmd_stop, "", "unload the packs and the runtime", false },
	{ "vm", cmd_vm, "[--nic MODEL] [--add FILE]... [--timeout S] [--qemu ARGS] -- COMMANDS...",
	  "run ddv commands in the bundled VM (on the host)", false },
	{ "run", cmd_run, "[--pack FILE]... FILE.yaml",
	  "start ddv, apply a configuration's settings, load its driver (ddv.yaml(5))", false },
	{ "config", cmd_config, "check|plan [--pack FILE]... FILE.yaml",
	  "check a configuration, or print the commands ddv run would run", false },
	{ "sites", cmd_sites, "MODULE.ko [--symbols LIST] [--pack FILE]...",
	  "list the call sites ddv would redirect (any host)", false },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ddv COMMAND [ARGS]    (ddv --version: the versions)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  ddv %s %s\n      %s\n", commands[i].name, commands[i].usage,
			commands[i].help);
	fprintf(out, "\nSee ddv(8).\n");
}

/*
 * ddv --version: this command's version and what it speaks; with the runtime
 * loaded (and this user allowed to ask it), the runtime's and each pack's.
 */
static int print_version(void)
{
	uint64_t out[4];
	char *packs = NULL;
	int fd;

	printf("ddv %s (control version %d, pack ABI %d)\n", PACKAGE_VERSION, DDV_UAPI_VERSION,
	       DDV_ABI_VERSION);
	if (!runtime_present())
		return EXIT_OK;
	fd = ctl_open();
	if (fd < 0)
		return EXIT_ERROR;
	if (ctl_call(fd, DDV_OP_VERSION, 0, NULL, out) || ctl_list(fd, DDV_OP_LIST_PACKS, &packs)) {
		ddv_error(EIO, "/dev/ddv: the runtime's versions");
		close(fd);
		return EXIT_ERROR;
	}
	printf("runtime: control version %llu, pack ABI %llu\n", (unsigned long long)out[0],
	       (unsigned long long)out[1]);
	for (char *line = strtok(packs, "\n"); line; line = strtok(NULL, "\n"))
		printf("pack %s\n", strchr(line, ' ') ? strchr(line, ' ') + 1 : line);
	free(packs);
	close(fd);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return print_version();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			int status = commands[i].run(argc - 1, argv + 1);

			/* A step that ran (a failed init included) is part of the session's story. */
			if (commands[i].kept && status != EXIT_USAGE && status != EXIT_ERROR)
				state_add_command(argc - 1, argv + 1);
			return status;
		}
	ddv_error(0, "unknown command '%s' (ddv --help lists them)", argv[1]);
	return EXIT_USAGE;
}
