/*
 * commands.h: the subcommands of ddv, one cmd_*.c file per command family:
 *
 *   cmd_start.c    start, stop (the runtime's session)
 *   cmd_load.c     load, attach, unload (a driver under test)
 *   cmd_log.c      log, report
 *   cmd_status.c   status
 *   cmd_control.c  trace, inject, switch (the runtime's knobs)
 *   cmd_scope.c    scope
 *   cmd_campaign.c campaign (with campaign_*.c: campaign_cmd.h)
 *   cmd_vm.c       vm
 *   cmd_sites.c    sites
 *   cmd_config.c   config, run (the YAML configuration)
 */
#ifndef DDV_COMMANDS_H
#define DDV_COMMANDS_H

#include <stdbool.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand's name */
	const char *usage;
	const char *help;
	bool kept;	/* a step of a reproducer: kept in the session (state_add_command) */
};

int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_inject(int argc, char **argv);
int cmd_switch(int argc, char **argv);
int cmd_campaign(int argc, char **argv);
int cmd_scope(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_sites(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_run(int argc, char **argv);

/* The runtime's log ring, for ddv start --log-size and ddv status (cmd_start.c, cmd_status.c). */
int parse_log_size(const char *text, unsigned long long *bytes, const char **why);
bool print_log_ring(const char *prefix);

#endif /* DDV_COMMANDS_H */
