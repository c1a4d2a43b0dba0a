/*
 * runtime.h: the runtime (ddv.ko) as the command sees it: its control device
 * and tables, the state directory one command leaves for the next, the
 * session that checks tables and catalogs together, and shared steps.
 */
#ifndef DDV_CLI_RUNTIME_H
#define DDV_CLI_RUNTIME_H

#include "catalog.h"
#include "module.h"
#include "util.h"

/* control.c: /dev/ddv, the runtime's control device. */
struct ddv_cmd;
int ctl_open(void);
int ctl_call(int fd, unsigned int op, unsigned int nargs, const uint64_t *args, uint64_t *out);
int ctl_list(int fd, unsigned int op, char **text);
int ctl_catalog(int fd, unsigned int pack, char **text);
const char *ctl_op_name(unsigned int op);

/* The runtime's tables as LIST_PACKS and LIST_FUNCS give them. */
struct rt_pack {
	unsigned int id;
	char *name;
	char *version;
};

struct rt_func {
	unsigned int id;	/* global function id */
	char *pack;
	char *symbol;
	char *api;
	char *fault_class;	/* none, generic, alloc, trylock, lock; NULL: malformed line */
	int nfail;		/* failure values; -1 with fault_class NULL */
};

struct rt_tables {
	struct rt_pack *packs;
	unsigned int npacks;
	struct rt_func *funcs;
	unsigned int nfuncs;
};

int rt_tables_parse(struct rt_tables *rt, const char *packs_text, const char *funcs_text);
const struct rt_pack *rt_pack_by_id(const struct rt_tables *rt, unsigned int id);
const struct rt_func *rt_func_by_id(const struct rt_tables *rt, unsigned int id);
int rt_func_fallible(const struct rt_func *f);
void rt_tables_free(struct rt_tables *rt);

/*
 * state.c: what one ddv command leaves for the next (ddv load for ddv report):
 * the runtime's tables, each driver's site table, the drained log records.
 */
const char *state_dir(void);
int state_reset(void);
char *state_path(const char *name);
int state_save_tables(int ctl_fd);
bool state_has_tables(void);
int state_load_tables(struct rt_tables *rt);
char *state_catalog_path(unsigned int pack_id);
int state_save_sites(unsigned int dut, const struct site_table *table, unsigned int *generation);
int state_load_sites(unsigned int dut, unsigned int generation, struct site_table *table);
int state_drain(int dev_fd, size_t *bytes);
int state_read_records(void **data, size_t *size);
int state_add_finding(const char *line);
int state_read_findings(char **text);
/* The suppressions ddv run keeps for ddv report (one pattern a line). */
#define STATE_SUPPRESSIONS "suppressions"
/* The session's ddv commands, one a line (state_add_command): a report's reproducer. */
#define STATE_COMMANDS "commands"
void state_add_command(int argc, char **argv);
int state_find_dut(const char *module);

/* session.c: the runtime's tables and its packs' catalogs, one snapshot, checked. */
struct session {
	struct rt_tables rt;
	struct catalog cat;
};
bool runtime_present(void);
bool runtime_usable(void);
int session_load(struct session *s, int ctl_fd);
void session_free(struct session *s);

/* common.c: what several subcommands share. */
int runtime_tables(int ctl_fd, struct rt_tables *rt);
int drain_log(int ctl_fd);
const char *module_dir(const char *override);
char *installed_module_dir(const char *kver);
char *installed_sdk_dir(void);
const char *build_tree(void);
const char *source_tree(void);
/* A module's /sys/module/M/initstate ("live", "coming"...), or NULL when it is gone; free it. */
char *module_initstate(const char *module);
bool module_stuck_in_init(const char *module);
struct kmod_ctx;
int module_path_lookup(struct kmod_ctx *kmod, const char *name, char **path);
char *module_depends_all(struct kmod_ctx *kmod, const char *depends);
int find_funcs(const struct rt_tables *rt, const char *name, unsigned int *ids, unsigned int max);

#endif /* DDV_CLI_RUNTIME_H */
