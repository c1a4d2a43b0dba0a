/* main.c: the ddv command's entry: finds the subcommand and runs it. */
#include <string.h>

#include "cli.h"
#include "commands.h"

static const struct command commands[] = {
	{ "sites", cmd_sites, "MODULE.ko [--symbols LIST]", "list the call sites ddv would redirect" },
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
