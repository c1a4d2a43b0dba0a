/* commands.h: the subcommands of ddv, one cmd_*.c file each. */
#ifndef DDV_COMMANDS_H
#define DDV_COMMANDS_H

struct command {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand's name */
	const char *usage;
	const char *help;
};

int cmd_sites(int argc, char **argv);

#endif /* DDV_COMMANDS_H */
