/*
 * trigger.h: event injection's triggers as the ddv command sees them (ddv
 * inject on, ddv.yaml's inject: on:): their words parsed, set in the runtime
 * (DDV_INJECT_TRIGGER), and the commands they ask for run when their record
 * is read from the log.
 */
#ifndef DDV_CLI_TRIGGER_H
#define DDV_CLI_TRIGGER_H

#include <stddef.h>
#include <stdint.h>

#include <ddv/uapi.h>

/* "FUNC[:N] [if argI OP VALUE] [in load|live|unload] fail FUNC2 [K] | delay US | run CMD" */
struct trigger_spec {
	char *func;		/* the observed function (symbol or API name) */
	uint64_t nth;		/* the Nth matching call, from 1 */
	unsigned int arg;	/* 1..6; 0: no condition */
	unsigned int cmp;	/* enum ddv_trigger_cmp */
	uint64_t value;
	unsigned int phase;	/* 0 any, 1 load, 2 live, 3 unload */
	unsigned int action;	/* enum ddv_trigger_action */
	char *target;		/* fail: the function to fail */
	uint64_t amount;	/* fail: K calls; delay: us */
	char *command;		/* run: the shell line */
};

/* "argI OP VALUE" (spaces anywhere) into spec's arg, cmp and value; 0 or -EINVAL, quietly. */
#define TRIGGER_COND_FORM "expected argI OP VALUE (I from 1 to 6, OP one of == != < <= > >= &)"
int trigger_parse_cond(const char *text, struct trigger_spec *spec);
/* Parses the words after "on"; 0, or -EINVAL with a diagnostic. */
int trigger_parse(int nwords, char **words, struct trigger_spec *spec);
void trigger_spec_free(struct trigger_spec *spec);

/*
 * Sets the trigger in the runtime (ctl_fd): its functions resolved, the command
 * kept in the state directory. Prints what was set. 0 or -errno, said.
 */
int trigger_set(int ctl_fd, const struct trigger_spec *spec);
/* Forgets the commands of the triggers (ddv inject off). */
void trigger_forget(void);

/*
 * Runs the command of every ddv.trigger-fired record of a run trigger in
 * buf (records as read() from /dev/ddv gives them): each in the background,
 * through /bin/sh -c, its output on this process's stderr.
 */
void trigger_act(const void *buf, size_t len);

#endif /* DDV_CLI_TRIGGER_H */
