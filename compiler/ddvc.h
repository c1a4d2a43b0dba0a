/* ddvc.h: the whole intermediate form of ddvc and the API of every pass. */
#ifndef DDVC_H
#define DDVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* DDV_ABI_VERSION, DDV_CATALOG_FORMAT, DDV_MAX_FIELDS, DDV_MAX_ARGS: the runtime's own. */
#include <ddv/limits.h>

#define DDVC_MAX_STATES 255
#define DDVC_MAX_DEPTH 200	/* nesting of expressions and blocks */
#define DDVC_MAX_ERRORS 50	/* after that, stop reading: the rest is noise */
#define DDVC_MAX_LOOKUPS 64	/* objects one rule may read */
/*
 * A variadic function's wrapper forwards this many words of its variadic part
 * (x86-64: a printf-style callee reads as many as its format names, no more).
 */
#define DDVC_VA_WORDS 8

/*
 * Every diagnostic has a stable id (the text in brackets after the message);
 * tests/compiler/.../ko/<id>.ddv raises each one. Never renumber or rename:
 * append.
 */
#define DDVC_DIAGS(X)							\
	X(IO_OPEN, "io.open")						\
	X(IO_WRITE, "io.write")						\
	X(LEX_STRAY, "lex.stray-char")					\
	X(LEX_UNTERMINATED_COMMENT, "lex.unterminated-comment")		\
	X(LEX_UNTERMINATED_STRING, "lex.unterminated-string")		\
	X(PARSE_SYNTAX, "parse.syntax")					\
	X(PARSE_TOO_DEEP, "parse.too-deep")				\
	X(PARSE_TOO_MANY_ERRORS, "parse.too-many-errors")		\
	X(PACK_MISSING, "check.pack-missing")				\
	X(PACK_MISMATCH, "check.pack-mismatch")				\
	X(DUP_TYPE, "check.dup-type")					\
	X(DUP_FIELD, "check.dup-field")					\
	X(DUP_STATE, "check.dup-state")					\
	X(DUP_SYMBOL, "check.dup-symbol")				\
	X(DUP_API, "check.dup-api")					\
	X(DUP_RULE_ID, "check.dup-rule-id")				\
	X(DUP_PREDICATE, "check.dup-predicate")				\
	X(DUP_SCOPE, "check.dup-scope")					\
	X(TOO_MANY_FIELDS, "check.too-many-fields")			\
	X(RESERVED_NAME, "check.reserved-name")			\
	X(BAD_FIELD_TYPE, "check.bad-field-type")			\
	X(UNKNOWN_TYPE, "check.unknown-type")				\
	X(UNKNOWN_FIELD, "check.unknown-field")				\
	X(UNKNOWN_STATE, "check.unknown-state")				\
	X(UNKNOWN_NAME, "check.unknown-name")				\
	X(UNKNOWN_FUNCTION, "check.unknown-function")			\
	X(UNKNOWN_PLACEHOLDER, "check.unknown-placeholder")		\
	X(PLACEHOLDER_FORMAT, "check.placeholder-format")		\
	X(UNKNOWN_CLASS, "check.unknown-class")				\
	X(UNKNOWN_SYMBOL, "check.unknown-symbol")			\
	X(UNKNOWN_SCOPE_ITEM, "check.unknown-scope-item")		\
	X(SCOPE_INCOMPLETE, "check.scope-incomplete")			\
	X(RET_BEFORE_CALL, "check.ret-before-call")			\
	X(RET_VOID, "check.ret-void")					\
	X(PARAM_MISSING, "check.param-missing")				\
	X(FAIL_VOID, "check.fail-void")					\
	X(FAIL_KIND, "check.fail-kind")					\
	X(CLASS_NEEDS_FAILS, "check.class-needs-fails")			\
	X(CLASS_ARG, "check.class-arg")					\
	X(NOT_COUNTER, "check.not-counter")				\
	X(NO_EXTENT, "check.no-extent")					\
	X(NOT_CONTAINED, "check.not-contained")				\
	X(PERCPU_TYPE, "check.percpu-type")				\
	X(TOO_MANY_ARGS, "check.too-many-args")				\
	X(AFTER_NESTED, "check.after-nested")				\
	X(BAD_VERSION, "check.bad-version")				\
	X(NO_STATES, "check.no-states")					\
	X(STATE_COMPARE, "check.state-compare")				\
	X(BAD_RULE_ID, "check.bad-rule-id")				\
	X(BAD_SEVERITY, "check.bad-severity")				\
	X(BAD_ATTRIBUTE, "check.bad-attribute")				\
	X(PARAM_UNNAMED, "check.param-unnamed")				\
	X(WRITE_TARGET, "check.write-target")				\
	X(OBJECT_OUTSIDE_RULE, "check.object-outside-rule")		\
	X(TOO_MANY_LOOKUPS, "check.too-many-lookups")			\
	X(BAD_CITE, "check.bad-cite")					\
	X(IMPORT_NOT_FOUND, "check.import-not-found")			\
	X(IMPORT_MISMATCH, "check.import-mismatch")			\
	X(IMPORT_SCOPE, "check.import-scope")			\
	X(CANNOT_FAIL, "check.cannot-fail")				\
	X(CALL_CONTEXT, "check.call-context")				\
	X(BUILTIN_ARGS, "check.builtin-args")

enum ddvc_diag_id {
#define X(name, text) DIAG_##name,
	DDVC_DIAGS(X)
#undef X
	DIAG_COUNT
};

enum ddvc_severity { SEV_ERROR, SEV_WARNING, SEV_NOTE };

/* A source range; also bison's YYLTYPE, kept up to date by the lexer. */
struct srcpos {
	int first_line, first_column;	/* bison's default initializer fills these four */
	int last_line, last_column;
	const char *file;
};

/* diag.c: positions, the source text (for the caret line), the error count. */
struct srcfile {
	const char *name;
	const char *text;	/* whole file, NUL-terminated (embedded NULs possible) */
	size_t len;
	struct srcfile *next;
};

void diag_reset(void);
void diag_add_source(struct srcfile *f);
void diag_report(enum ddvc_severity sev, const struct srcpos *pos,
		 enum ddvc_diag_id id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int diag_error_count(void);
const char *diag_id_name(enum ddvc_diag_id id);
void diag_set_stream(FILE *out);

#define error_at(pos, id, ...) diag_report(SEV_ERROR, pos, DIAG_##id, __VA_ARGS__)

/* tree.c: one arena holds every node and string of a run. */
void *tree_alloc(size_t size);
char *tree_strdup(const char *s);
char *tree_strndup(const char *s, size_t n);
char *tree_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tree_free_all(void);

/* tree.c: a string-keyed table in the arena, so that checks stay linear on big specs. */
struct strmap {
	const char **keys;
	void **values;
	size_t cap, n;
};
void *strmap_get(const struct strmap *m, const char *key);
/* Adds key -> value unless key is there; returns the value already there, or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);

/* Expressions: C over parameters, ret, stored fields and declared predicates. */
enum expr_kind {
	E_NUM,		/* text: as written */
	E_STR,		/* text: the literal, quotes included */
	E_NAME,		/* text: the name; resolved by checks into ref */
	E_CALL,		/* text: the predicate; args: list */
	E_UNARY,	/* op a */
	E_POSTFIX,	/* a op (for ++/-- never: only member access) */
	E_BINARY,	/* a op b */
	E_COND,		/* a ? b : c */
	E_CAST,		/* (text) a */
	E_MEMBER,	/* a->text or a.text on C data */
	E_OBJ,		/* type[a]: true when the object is live */
	E_FIELD,	/* type[a].text: a stored field or the state */
	E_SIZEOF,	/* sizeof(text) */
	E_ERROR,	/* after a syntax error */
};

enum name_ref {
	REF_UNRESOLVED,
	REF_PARAM,	/* a parameter of the prototype */
	REF_RET,	/* the value returned */
	REF_VAR,	/* a foreach variable */
	REF_CONST,	/* an upper-case kernel constant or NULL: emitted as written */
	REF_STATE,	/* a state name compared with type[k].state */
	REF_CURRENT,	/* current_task: the calling task's pointer as a u64 */
	REF_DRIVER,	/* current_driver: the calling driver's id as a u64 */
	REF_KEY,	/* a type's active condition: the object's key (type: the type) */
	REF_FIELD,	/* a type's active condition: a field of the object (index) */
};

/* The built-in name of the calling task (ddv/fastpath.h ddv_current_task()). */
#define DDVC_CURRENT_TASK "current_task"
/* The calling driver under test, and whether an address lies in its modules (ddv/fastpath.h). */
#define DDVC_CURRENT_DRIVER "current_driver"
#define DDVC_IN_DRIVER "ddv_in_driver"
/* Is the kernel function that called into the modules the one named (ddv/fastpath.h)? */
#define DDVC_KERNEL_CALLER "ddv_kernel_caller_is"
/* One store key for an object named by two words (ddv/fastpath.h ddv_key()). */
#define DDVC_PAIR_KEY "ddv_key"
/* Is an address the start of the kernel or module function named (ddv/fastpath.h)? */
#define DDVC_SYMBOL_IS "ddv_symbol_is"
/* Can a signal interrupt the calling task's sleep (ddv/fastpath.h)? */
#define DDVC_CAN_BE_SIGNALLED "ddv_can_be_signalled"

struct type_decl;

struct expr {
	enum expr_kind kind;
	struct srcpos pos;
	int op;			/* token of the operator: '+', TOK_EQ... */
	const char *text;
	struct expr *a, *b, *c;
	struct expr *args;	/* E_CALL: arguments linked by next */
	struct expr *next;
	int depth;
	/* Filled in by checks. */
	enum name_ref ref;
	int index;		/* REF_PARAM / REF_STATE: index; E_FIELD: field or -1 for state */
	struct type_decl *type;	/* E_OBJ, E_FIELD */
	int slot;		/* E_OBJ, E_FIELD: the lookup in the emitted block */
};

/*
 * A citation: the documentation a contract or a rule encodes, for the review
 * document (`cite "Documentation/locking/mutex-design.rst: Semantics"`).
 */
struct cite {
	struct srcpos pos;
	const char *text;
	struct cite *next;
};

struct msg {
	struct srcpos pos;
	const char *text;	/* without quotes, escapes resolved */
	const char *rule_id;	/* explicit or derived */
	struct srcpos id_pos;
	bool explicit_id;
	enum ddvc_severity severity;
	const char *args[DDV_MAX_ARGS];	/* placeholders in order of first use */
	const char *arg_c[DDV_MAX_ARGS];	/* ddvc's own messages: each argument's C, or NULL */
	int nargs;
	int index;		/* in the pack's message table */
	struct cite *cites;	/* `cite "..."` after the message */
	struct msg *next_in_pack;
};

/* An option after a message: `id "x"`, `cite "x"` or `warning`. */
struct msg_opt {
	struct srcpos pos;
	const char *word;
	const char *value;	/* NULL for a bare word */
	struct msg_opt *next;
};

struct objref {
	struct srcpos pos;
	const char *type_name;
	struct expr *key;
	struct type_decl *type;
};

struct field_init {
	struct srcpos pos;
	const char *field;
	int index;
	struct expr *value;
	struct field_init *next;
};

enum stmt_kind {
	S_CHECK,	/* check cond "msg" */
	S_REQUIRE,	/* require cond "msg": also fails when a looked-up object is absent */
	S_CREATE,	/* create T[k] { f = e; } state S else "msg" */
	S_DESTROY,	/* destroy T[k] else "msg" */
	S_SET_STATE,	/* T[k].state = S */
	S_SET_FIELD,	/* T[k].f = e */
	S_ADJUST,	/* adjust T[k].f by e within lo..hi else "msg" */
	S_TRANSFER,	/* transfer T[k] "why" */
	S_MANAGED,	/* managed T[k] by dev: devres of dev ends it */
	S_AFTER,	/* after [cond] { ... }: runs once the original returned */
	S_IF,		/* if cond { ... } else { ... } */
	S_IF_KERNEL,	/* if kernel >= 6.2 { ... } else { ... }: compile time */
	S_FOREACH,	/* foreach T[v] inside H[k] { ... } */
};

/* A statement that changes an object (creates, ends, sets, adjusts or hands it on)? */
static inline bool stmt_changes_object(enum stmt_kind kind)
{
	switch (kind) {
	case S_CREATE:
	case S_DESTROY:
	case S_SET_STATE:
	case S_SET_FIELD:
	case S_ADJUST:
	case S_TRANSFER:
	case S_MANAGED:
		return true;
	default:
		return false;
	}
}

struct stmt {
	enum stmt_kind kind;
	struct srcpos pos;
	struct expr *cond;
	struct objref obj;
	const char *name;	/* field or state name */
	struct srcpos name_pos;
	int index;		/* resolved field or state index */
	struct expr *value, *lo, *hi;
	struct field_init *inits;
	struct msg *msg;
	const char *why;	/* transfer: documentation only */
	const char *var;	/* foreach variable */
	struct objref in;	/* foreach container */
	int kernel_op;		/* S_IF_KERNEL */
	const char *version;
	struct stmt *body, *else_body;
	/*
	 * create, destroy or adjust: the enclosing 'if' (or 'after') here proves
	 * the object absent (create) or live (destroy), or the counter's result
	 * within its bounds (adjust), so it cannot fail: no rule.
	 */
	const struct stmt *proven_by;
	struct stmt *next;
};

struct param {
	struct srcpos pos;
	const char *decl;	/* the whole declaration as written: "gfp_t flags" */
	const char *ctype;	/* the declaration without the name */
	const char *name;
	bool funcptr;
	struct param *next;
};

enum ret_kind { RET_VOID, RET_PTR, RET_INT, RET_U64 };

struct contract;

/* One exported symbol with its prototype. */
struct fnsig {
	struct srcpos pos;
	const char *symbol;
	struct param *params;
	int nparams;
	bool variadic;			/* "..." after the parameters */
	const char *ret_type;
	enum ret_kind ret_kind;
	bool optional;
	const char *since, *before;	/* kernel versions, or NULL */
	struct srcpos since_pos, before_pos;
	struct contract *contract;
	int index;			/* in the pack's function table */
	int call_msg, ret_msg;
	struct fnsig *next;		/* in the contract */
	struct fnsig *next_in_pack;
};

enum fail_kind { FAIL_NULL, FAIL_ERR_PTR, FAIL_INT };

struct fail_value {
	struct srcpos pos;
	enum fail_kind kind;
	struct expr *value;	/* FAIL_ERR_PTR: the errno; FAIL_INT: the value */
	struct fail_value *next;
};

enum fault_class { CLASS_NONE, CLASS_GENERIC, CLASS_ALLOC, CLASS_TRYLOCK, CLASS_LOCK };

struct class_arg {
	struct srcpos pos;
	const char *name;
	struct expr *value;	/* NULL for a flag: contig */
	struct class_arg *next;
};

enum clause_kind { CL_MAY_SLEEP, CL_FAILS, CL_CLASS, CL_WRITES, CL_CITE };

struct clause {
	enum clause_kind kind;
	struct srcpos pos;
	struct fail_value *fails;
	const char *class_name;
	struct class_arg *class_args;
	struct expr *target, *value;	/* CL_WRITES: what an injected failure stores;
					 * CL_MAY_SLEEP, CL_FAILS: value, the condition
					 * (NULL: always) */
	struct cite *cite;		/* CL_CITE */
	struct clause *next;
};

/* One contract: an API name, its symbols, one shared rule body. */
struct contract {
	struct srcpos pos;
	const char *api;
	struct fnsig *fns;
	struct clause *clauses;
	struct stmt *body;
	/* Filled in by checks. */
	bool may_sleep;
	struct expr *sleep_cond;	/* may_sleep if EXPR: when it sleeps; NULL: always */
	struct msg *sleep_msg;		/* <pack>.<api>.sleep-in-atomic, with may_sleep */
	struct fail_value *fails;
	struct expr *fail_cond;		/* fails ... if EXPR: when it can fail; NULL: always */
	int nfails;
	enum fault_class fault_class;
	struct clause *writes;		/* CL_WRITES clauses, in order */
	struct cite *cites;		/* CL_CITE clauses, in order */
	struct expr *alloc_size;
	bool contig;
	int nrules;			/* for derived rule ids */
	struct contract *next;
};

struct field {
	struct srcpos pos;
	const char *name;
	const char *ctype;
	bool counter;
	bool extent;
	/* A counter every rule of the pack keeps in min..max (guards_bounds()). */
	bool bounded;
	long long min, max;
	struct field *next;
};

struct state_name {
	struct srcpos pos;
	const char *name;
	struct state_name *next;
};

/*
 * `active EXPR [MESSAGE]` after a type's body: the object is in use while
 * EXPR (over its key and fields) holds. Memory freed while it holds an active
 * contained object is reported with msg; a leak is one only while active.
 */
struct active_clause {
	struct srcpos pos;
	struct expr *cond;
	struct msg *msg;	/* as written, or ddvc's default (contained types) */
};

/* An attribute before a type or field: `contained`, `percpu`, `extent`. */
struct attr {
	struct srcpos pos;
	const char *name;
	struct attr *next;
};

/* A member of an object body: a field, or the list of states. */
struct member {
	struct field *field;
	struct state_name *states;
	struct srcpos pos;
	struct member *next;
};

struct type_decl {
	struct srcpos pos;
	const char *name;
	const char *key_type;
	struct attr *attrs;
	struct member *members;
	struct active_clause *active;
	struct msg *leak;
	/* Filled in by checks. */
	struct field *fields[DDV_MAX_FIELDS];
	int nfields;
	struct state_name **states;
	int nstates;
	bool contained;
	bool percpu;		/* held by the current CPU's context: ddv/fastpath.h */
	bool chained;		/* its lookup starts a link of a chain of ifs (emit_c.c chain_len) */
	int size_field;
	int index;
	/* Another pack's type, imported: the import, and its index in the import table (or -1). */
	struct import *from;
	int import_index;
	struct type_decl *next;
};

struct predicate {
	struct srcpos pos;
	const char *name;
	const char *proto;	/* documentation only */
	struct predicate *next;
};

struct scope_item {
	struct srcpos pos;
	const char *word;
	const char *value;
	struct srcpos value_pos;
	struct scope_item *next;
};

struct scope {
	struct srcpos pos;
	const char *name;
	struct scope_item *items;
	struct msg *msg;
	/* Filled in by checks. */
	struct fnsig *begin, *end;
	struct type_decl *type;
	struct scope *next;
};

struct include {
	struct srcpos pos;
	const char *header;	/* with its <> or "" */
	struct include *next;
};

/*
 * `import PACK;`: another pack's object types, read from its specs (the
 * directory PACK/ on the import path, driver.c). Its functions stay its own.
 */
struct import {
	struct srcpos pos;
	const char *pack;
	const char *dir;	/* where its specs were found */
	struct spec *spec;	/* parsed and checked */
	struct import *next;
};

/* Every spec file of one run adds to one pack. */
struct spec {
	const char *pack, *version;
	struct srcpos pack_pos;
	struct include *includes;
	struct import *imports;
	struct type_decl *types;
	struct predicate *predicates;
	struct contract *contracts;
	struct scope *scopes;
	/* Filled in by checks. */
	int ntypes, nfuncs, nmsgs;
	struct fnsig *funcs;		/* in table order */
	struct msg *msgs;		/* in table order, message 0 excluded */
	struct msg **msgs_tail;
	struct strmap symbols;		/* symbol -> struct fnsig */
	struct contract **contracts_tail;
	struct type_decl **imported;	/* the imported types the rules use, in table order */
	int nimported;
};

/* lexer.l + parser.y: parse one file into spec. Returns false on errors. */
bool parse_file(struct spec *spec, struct srcfile *file);
/* The type's argument to the object operations: "3", or "DDV_IMPORTED(0)" (abi.h). */
const char *type_ref(const struct type_decl *t);

/* tree.c: list helpers used by the parser. */
struct spec *spec_new(void);
struct expr *expr_new(enum expr_kind kind, const struct srcpos *pos);
struct expr *expr_unary(int op, struct expr *a, const struct srcpos *pos);
struct expr *expr_binary(int op, struct expr *a, struct expr *b, const struct srcpos *pos);
struct stmt *stmt_new(enum stmt_kind kind, const struct srcpos *pos);
struct msg *msg_new(const char *text, const struct srcpos *pos, struct msg_opt *opts);
struct cite *cite_new(const char *text, const struct srcpos *pos);
const char *op_text(int op);
/* "6.2" -> "KERNEL_VERSION(6, 2, 0)"; NULL if bad */
const char *version_code(const char *version);
/* Does no kernel have both symbols (one's before <= the other's since)? */
bool versions_disjoint(const struct fnsig *a, const struct fnsig *b);

/* checks.c: the table of semantic checks; resolves names and numbers the tables. */
struct check {
	const char *name;
	const char *summary;
	void (*run)(struct spec *spec);
};
extern const struct check checks[];
extern const size_t nchecks;
void check_spec(struct spec *spec);

/*
 * tree.c: does an expression, a statement or a list of them (messages'
 * placeholders included) name the parameter?
 */
bool expr_names(const struct expr *e, const char *name);
bool stmt_names(const struct stmt *s, const char *name);
bool stmts_name(const struct stmt *s, const char *name);

/* messages.c: the check pass's part for messages (checks.c calls them). */
void msg_add(struct spec *spec, struct msg *m);
bool msg_add_arg(struct msg *m, const char *name);
void msg_placeholders(struct msg *m, bool (*valid)(void *, const char *), void *arg,
		      const char *known);
void check_cites(const struct cite *c);
void check_rule_ids(struct spec *spec);

/*
 * guards.c: what an enclosing 'if' (or 'after') proves of an object: T[k] is
 * live, or absent, from its condition's test to the first rule that could
 * change it. checks.c keeps one set per contract body as it walks it.
 */
struct fact {
	const struct type_decl *type;
	const struct expr *key;
	bool live;
	int field;		/* >= 0: of a live object, the counter lies in lo..hi */
	long long lo, hi;
	bool killed;		/* a rule since then may have changed it */
	const struct stmt *by;	/* the 'if' */
};
struct guards {
	int n;
	struct fact facts[DDVC_MAX_DEPTH];
};
/* What holds where COND (by's) is true (holds) or false; the caller restores n. */
void guards_add(struct guards *g, const struct stmt *by, const struct expr *cond, bool holds);
/* Inside foreach s: the object it visits is live. */
void guards_visit(struct guards *g, const struct stmt *s);
const struct fact *guards_find(const struct guards *g, const struct objref *r, bool live);
/* After statement s (and whatever its blocks do): what it may have changed is proven no more. */
void guards_kill(struct guards *g, const struct stmt *s);
/* Each counter's bounds over every rule of the pack, where all its writes are constants. */
void guards_bounds(struct spec *spec);
/* The fact that proves adjust s stays within its bounds (its result written to *lo..*hi), or NULL. */
const struct fact *guards_adjust(const struct guards *g, const struct stmt *s, long long *lo,
				 long long *hi);

/* writer.c: the one code writer (indentation, preprocessor lines, C string escaping). */
struct writer {
	FILE *out;
	int indent;
	bool bol;
};
void w_init(struct writer *w, FILE *out);
void w_printf(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void w_line(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void w_cstring(struct writer *w, const char *s);
void w_open(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void w_close(struct writer *w, const char *tail);
void w_blank(struct writer *w);
void w_block(struct writer *w);
void w_indent(struct writer *w);
void w_dedent(struct writer *w);
void w_label(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void w_nested(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void w_pp(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *mangle(const char *prefix, const char *name);
const char *pos_text(const struct srcpos *pos);

/* emit_pack.c, emit_catalog.c, emit_doc.c: the outputs. Each returns 0 or an errno. */
int emit_c(struct spec *spec, FILE *out);
int emit_kbuild(struct spec *spec, FILE *out);
int emit_catalog(struct spec *spec, FILE *out);
const char *catalog_text(struct spec *spec, size_t *len);	/* in the arena; NULL: failed */
int seal_version(struct spec *spec);	/* version += "+<digest of the catalog>" */
int emit_doc(struct spec *spec, FILE *out);
void doc_expr(FILE *out, const struct expr *e);
/* emit_c.c: the wrappers, for emit_pack.c's emit_c(). */
void emit_wrappers(struct writer *w, struct spec *spec);
/* The pack's guard of its chains of ifs (ddv/fastpath.h DDV_CHAIN_CLOSED), a u8. */
#define CHAIN_GUARD "ddv_chain_guard"
/* emit_sig.c: a probed function's signature and calls, in C (emit_c.c's). */
const char *ret_decl(const struct fnsig *f, const char *name);	/* "void *ddv_w_kfree" */
const char *va_words(const struct fnsig *f, bool decls);
void emit_call_original(struct writer *w, const struct fnsig *f, bool assign);
void emit_return_original(struct writer *w, const struct fnsig *f);
const char *param_list(const struct fnsig *f, bool wrapper);
const char *arg_list(const struct fnsig *f, bool after, bool decls);
#define arg_names(f, after) arg_list(f, after, false)
#define arg_decls(f, after) arg_list(f, after, true)
void emit_return(struct writer *w, const struct fnsig *f, const char *what);
void emit_last(struct writer *w, const struct fnsig *f, const char *what);
void emit_exit(struct writer *w, const struct fnsig *f);
void emit_va_decls(struct writer *w, const struct fnsig *f);
void emit_va_reads(struct writer *w, const struct fnsig *f);
void emit_injection(struct writer *w, const struct fnsig *f);	/* fails: a failure or the original */
void emit_contention(struct writer *w);	/* class lock: contention's delay */
/* emit_expr.c: the C of expressions. */
void emit_expr(struct writer *w, const struct expr *e);
void emit_cond(struct writer *w, const struct expr *e);	/* no parentheses around a comparison */
bool asks_in_driver(const struct expr *e);		/* does it call ddv_in_driver()? */
char *expr_c(const struct expr *e);			/* malloc'ed; NULL: no memory */
bool key_shareable(const struct expr *e);		/* no predicate call, no stored field */
const char *pack_var(const struct spec *spec);		/* "ddv_pack_linux" */
const char *pcpu_var(const struct type_decl *t);	/* "ddv_pcpu_spin_held" */
const char *version_guard(const struct fnsig *f);	/* #if of since/before, or NULL */
const char *ret_kind_name(enum ret_kind k);

/* driver.c: the driver (main.c's main() and the fuzz harness call it). */
int ddvc_main(int argc, char **argv);

#endif /* DDVC_H */
