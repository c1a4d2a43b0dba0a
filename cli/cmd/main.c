/* main.c: the ddv command's entry: finds the subcommand and runs it. */
#include <string.h>

#include "util.h"
#include "commands.h"

static const struct command commands[] = {
	{ "start", cmd_start, "[--modules DIR] [--packs DIR] [--log-size SIZE] [PARAM=VALUE...]",
	  "load the runtime (ddv.ko) and the pack modules" },
	{ "load", cmd_load, "[--timeout S] DRIVER|FILE.ko [PARAM=VALUE...]",
	  "arm ddv for a driver, then load it (finit_module only)" },
	{ "attach", cmd_attach, "NAME [--path FILE.ko]", "redirect a driver that is loaded already" },
	{ "unload", cmd_unload, "NAME", "unload a driver (its leak check runs)" },
	{ "log", cmd_log, "[--follow] [--json]", "print every log record" },
	{ "report", cmd_report, "[--json]", "print the findings and a summary" },
	{ "status", cmd_status, "[--functions]",
	  "print the runtime's counters, losses included, or its functions" },
	{ "trace", cmd_trace, "FUNC|all off|violation|calls|stack", "set a function's trace level" },
	{ "inject", cmd_inject,
	  "nth FUNC N | nth-any N | random FUNC PCT [--consecutive K] | plan KEY=VALUE... | off",
	  "inject faults" },
	{ "campaign", cmd_campaign, "exhaustive [--timeout S] [--max N] [--resume] DRIVER [PARAMS]",
	  "load the driver again and again, failing its Nth fallible call on load N" },
	{ "scope", cmd_scope, "begin|end NAME DRIVER",
	  "a leak scope: objects the driver creates between begin and end and still holds are leaks" },
	{ "off", cmd_switch, "FUNC|RULE-ID", "switch a hot function or a rule off" },
	{ "on", cmd_switch, "FUNC|RULE-ID", "switch it back on" },
	{ "stop", cmd_stop, "", "unload the packs and the runtime" },
	{ "vm", cmd_vm, "[--nic MODEL] [--add FILE]... [--timeout S] [--qemu ARGS] -- COMMANDS...",
	  "run ddv commands in the bundled VM (on the host)" },
	{ "run", cmd_run, "[--catalog DIR] FILE.yaml",
	  "start ddv, apply a configuration's settings, load its driver (ddv.yaml(5))" },
	{ "config", cmd_config, "check|plan [--catalog DIR] FILE.yaml",
	  "check a configuration, or print the commands ddv run would run" },
	{ "sites", cmd_sites, "MODULE.ko [--symbols LIST] [--catalog DIR]",
	  "list the call sites ddv would redirect (any host)" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ddv COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  ddv %s %s\n      %s\n", commands[i].name, commands[i].usage,
			commands[i].help);
	fprintf(out, "\nSee ddv(8).\n");
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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	ddv_error(0, "unknown command '%s' (ddv --help lists them)", argv[1]);
	return EXIT_USAGE;
}
