/* parser.y: the pure, reentrant grammar of the ddv rule language; builds the tree of ddvc.h. */
%code requires {
#include "compiler/ddvc.h"
#define YYLTYPE struct srcpos
#define YYLTYPE_IS_DECLARED 1
#define YYLTYPE_IS_TRIVIAL 1
typedef void *yyscan_t;
}

%code top {
/* bison initializes YYLTYPE positionally and leaves the file name to YYLLOC_DEFAULT. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stdlib.h>
#include <string.h>
}

%code {
#include "compiler/lexer_extra.h"

int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct spec *spec, const char *msg);

/* Like bison's default, plus the file name. */
#define YYLLOC_DEFAULT(cur, rhs, n)						\
	do {									\
		if (n) {							\
			(cur).file = YYRHSLOC(rhs, 1).file;			\
			(cur).first_line = YYRHSLOC(rhs, 1).first_line;		\
			(cur).first_column = YYRHSLOC(rhs, 1).first_column;	\
			(cur).last_line = YYRHSLOC(rhs, n).last_line;		\
			(cur).last_column = YYRHSLOC(rhs, n).last_column;	\
		} else {							\
			(cur) = YYRHSLOC(rhs, 0);				\
			(cur).first_line = (cur).last_line;			\
			(cur).first_column = (cur).last_column;			\
		}								\
	} while (0)

/* Appends to a singly linked list through its next member. */
#define APPEND(head, item)							\
	do {									\
		__typeof__(head) *pp_ = &(head);				\
		while (*pp_)							\
			pp_ = &(*pp_)->next;					\
		*pp_ = (item);							\
	} while (0)

/* Joins C type tokens the way a person writes them: "const void *objp", "void **". */
static char *join(const char *a, const char *b)
{
	if (!a || !*a)
		return tree_strdup(b);
	if (b[0] == '[' || a[strlen(a) - 1] == '*')
		return tree_printf("%s%s", a, b);
	return tree_printf("%s %s", a, b);
}

/* Contracts are many in a big pack: appended through a tail pointer. */
static void add_contract(struct spec *spec, struct contract *c)
{
	if (!spec->contracts_tail)
		spec->contracts_tail = &spec->contracts;
	*spec->contracts_tail = c;
	spec->contracts_tail = &c->next;
}

static struct objref make_objref(const char *type, struct expr *key, const YYLTYPE *pos)
{
	struct objref r = { .pos = *pos, .type_name = type, .key = key };

	return r;
}

/* fails V, V... [if COND]: COND, when given, is when the function can fail at all. */
static struct clause *fails_clause(struct expr *values, const YYLTYPE *pos, struct expr *cond)
{
	struct clause *cl = tree_alloc(sizeof(*cl));

	cl->kind = CL_FAILS;
	cl->pos = *pos;
	cl->value = cond;
	for (struct expr *e = values; e; e = e->next) {
		struct fail_value *f = tree_alloc(sizeof(*f));

		f->pos = e->pos;
		f->value = e;
		APPEND(cl->fails, f);
	}
	return cl;
}

/* The last word of a parameter's tokens is its name; the rest is its type. */
static struct param *make_param(const char *decl, const char *name_word, const YYLTYPE *pos)
{
	struct param *p = tree_alloc(sizeof(*p));
	size_t dl = strlen(decl), nl = name_word ? strlen(name_word) : 0;

	p->pos = *pos;
	p->decl = decl;
	p->ctype = decl;
	if (name_word && dl > nl) {
		p->name = name_word;
		p->ctype = tree_strndup(decl, dl - nl - (decl[dl - nl - 1] == ' '));
	}
	return p;
}
}

/* A conflict is a grammar error: bison fails the build on any. */
%expect 0
%define api.pure full
%define parse.error verbose
%locations
%param {yyscan_t scanner}
%parse-param {struct spec *spec}

%union {
	const char *str;
	struct expr *expr;
	struct stmt *stmt;
	struct msg *msg;
	struct msg_opt *msg_opt;
	struct objref objref;
	struct field_init *init;
	struct param *param;
	struct fnsig *fnsig;
	struct clause *clause;
	struct fail_value *fail;
	struct class_arg *class_arg;
	struct member *member;
	struct state_name *state;
	struct attr *attr;
	struct scope_item *scope_item;
	struct active_clause *active;
	struct { const char *decl; const char *last; } ptoks;
	int op;
}

%token <str> TOK_IDENT "identifier" TOK_TYPENAME "type name" TOK_NUMBER "number"
%token <str> TOK_STRING "string" TOK_HEADER "header name"
%token <str> TOK_PACK "pack" TOK_INCLUDE "include" TOK_OBJECT "object" TOK_STATES "states"
%token <str> TOK_IMPORT "import"
%token <str> TOK_LEAK "leak" TOK_API "api" TOK_FN "fn" TOK_PREDICATE "predicate"
%token <str> TOK_SCOPE "scope" TOK_CHECK "check" TOK_REQUIRE "require" TOK_CREATE "create"
%token <str> TOK_DESTROY "destroy" TOK_ADJUST "adjust" TOK_BY "by" TOK_WITHIN "within"
%token <str> TOK_TRANSFER "transfer" TOK_AFTER "after" TOK_FOREACH "foreach"
%token <str> TOK_MANAGED "managed"
%token <str> TOK_INSIDE "inside" TOK_IF "if" TOK_ELSE "else" TOK_KERNEL "kernel"
%token <str> TOK_FAILS "fails" TOK_MAY_SLEEP "may_sleep" TOK_CLASS "class"
%token <str> TOK_OPTIONAL "optional" TOK_SINCE "since" TOK_BEFORE "before"
%token <str> TOK_SIZEOF "sizeof" TOK_STATE "state" TOK_WRITES "writes" TOK_CITE "cite"
%token <str> TOK_ACTIVE "active" TOK_TAG "struct, union or enum"
%token TOK_ARROW "->" TOK_DOTDOT ".." TOK_ELLIPSIS "..." TOK_EQ "==" TOK_NE "!=" TOK_LE "<=" TOK_GE ">="
%token TOK_AND "&&" TOK_OR "||" TOK_SHL "<<" TOK_SHR ">>"

%right '?' ':'
%left TOK_OR
%left TOK_AND
%left '|'
%left '^'
%left '&'
%left TOK_EQ TOK_NE
%left '<' '>' TOK_LE TOK_GE
%left TOK_SHL TOK_SHR
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%type <str> ctype ctword cast_type word name any_name keyword tagged
%type <expr> expr primary args args1 fail_values
%type <stmt> stmts stmt block else_opt
%type <msg> message leak_opt
%type <active> active_opt
%type <msg_opt> msg_opts
%type <objref> objref
%type <init> inits inits_opt init
%type <param> params params1 param
%type <ptoks> ptoks
%type <fnsig> fnsig fnsigs
%type <clause> clauses clause
%type <class_arg> class_args class_arg
%type <member> members member
%type <state> names
%type <attr> attrs words
%type <scope_item> scope_items scope_item
%type <op> kernel_op
%type <str> state_opt proto_toks proto_tok
%type <msg> else_opt_msg

%%

file:
	  %empty
	| file item
	;

item:
	  TOK_PACK TOK_IDENT TOK_NUMBER ';'
		{
			if (spec->pack && (strcmp(spec->pack, $2) || strcmp(spec->version, $3))) {
				error_at(&@$, PACK_MISMATCH,
					 "pack %s %s differs from pack %s %s declared at %s",
					 $2, $3, spec->pack, spec->version, pos_text(&spec->pack_pos));
			} else if (!spec->pack) {
				spec->pack = $2;
				spec->version = $3;
				spec->pack_pos = @$;
			}
		}
	| TOK_INCLUDE TOK_HEADER ';'
		{
			struct include *inc = tree_alloc(sizeof(*inc));

			inc->pos = @2;
			inc->header = $2;
			APPEND(spec->includes, inc);
		}
	| TOK_IMPORT name ';'
		{
			struct import *imp = tree_alloc(sizeof(*imp));

			imp->pos = @2;
			imp->pack = $2;
			APPEND(spec->imports, imp);
		}
	| attrs TOK_OBJECT name ':' ctype '{' members '}' active_opt leak_opt ';'
		{
			struct type_decl *t = tree_alloc(sizeof(*t));

			t->pos = @3;
			t->name = $3;
			t->key_type = $5;
			t->attrs = $1;
			t->members = $7;
			t->active = $9;
			t->leak = $10;
			APPEND(spec->types, t);
		}
	| TOK_PREDICATE any_name '(' proto_toks ')' ';'
		{
			struct predicate *p = tree_alloc(sizeof(*p));

			p->pos = @2;
			p->name = $2;
			p->proto = $4;
			APPEND(spec->predicates, p);
		}
	| TOK_API any_name fnsigs clauses block opt_semi
		{
			struct contract *c = tree_alloc(sizeof(*c));

			c->pos = @2;
			c->api = $2;
			c->fns = $3;
			c->clauses = $4;
			c->body = $5;
			add_contract(spec, c);
		}
	| fnsig clauses block opt_semi
		{
			struct contract *c = tree_alloc(sizeof(*c));

			c->pos = $1->pos;
			c->api = $1->symbol;
			c->fns = $1;
			c->clauses = $2;
			c->body = $3;
			add_contract(spec, c);
		}
	| TOK_SCOPE TOK_IDENT '{' scope_items '}' message ';'
		{
			struct scope *s = tree_alloc(sizeof(*s));

			s->pos = @2;
			s->name = $2;
			s->items = $4;
			s->msg = $6;
			APPEND(spec->scopes, s);
		}
	| error ';'
	| error '}'
	;

opt_semi:
	  %empty
	| ';'
	;

attrs:
	  %empty		{ $$ = NULL; }
	| attrs TOK_IDENT
		{
			struct attr *a = tree_alloc(sizeof(*a));

			a->pos = @2;
			a->name = $2;
			$$ = $1;
			APPEND($$, a);
		}
	;

leak_opt:
	  %empty		{ $$ = NULL; }
	| TOK_LEAK message	{ $$ = $2; }
	;

active_opt:
	  %empty		{ $$ = NULL; }
	| TOK_ACTIVE expr
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->cond = $2;
		}
	| TOK_ACTIVE expr message
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->cond = $2;
			$$->msg = $3;
		}
	;

members:
	  %empty		{ $$ = NULL; }
	| members member	{ $$ = $1; if ($2) APPEND($$, $2); }
	;

member:
	  words ':' ctype ';'
		{
			struct field *f = tree_alloc(sizeof(*f));
			struct attr *a = $1, *last = a;

			/* The last word is the field's name, the words before it its attributes. */
			while (last->next)
				last = last->next;
			f->pos = last->pos;
			f->name = last->name;
			f->ctype = $3;
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @$;
			$$->field = f;
			if (last != a) {
				struct attr *p = a;

				while (p->next != last)
					p = p->next;
				p->next = NULL;
				$$->field->next = NULL;
				/* Field attributes ride on a one-word list of their own. */
				for (p = a; p; p = p->next) {
					if (!strcmp(p->name, "extent"))
						f->extent = true;
					else
						error_at(&p->pos, BAD_ATTRIBUTE,
							 "unknown field attribute '%s' (known: extent)", p->name);
				}
			}
		}
	| TOK_STATES names ';'
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @$;
			$$->states = $2;
		}
	| error ';'		{ $$ = NULL; }
	;

words:
	  TOK_IDENT
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->name = $1;
		}
	| words TOK_IDENT
		{
			struct attr *a = tree_alloc(sizeof(*a));

			a->pos = @2;
			a->name = $2;
			$$ = $1;
			APPEND($$, a);
		}
	;

names:
	  TOK_IDENT
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->name = $1;
		}
	| names ',' TOK_IDENT
		{
			struct state_name *s = tree_alloc(sizeof(*s));

			s->pos = @3;
			s->name = $3;
			$$ = $1;
			APPEND($$, s);
		}
	;

ctype:
	  ctword		{ $$ = $1; }
	| ctype ctword		{ $$ = join($1, $2); }
	;

ctword:
	  TOK_IDENT		{ $$ = $1; }
	| TOK_TYPENAME		{ $$ = $1; }
	| tagged		{ $$ = $1; }
	| '*'			{ $$ = "*"; }
	;

/* "struct class": a tag is a name, a keyword or not. */
tagged:
	  TOK_TAG any_name	{ $$ = tree_printf("%s %s", $1, $2); }
	;

proto_toks:
	  %empty		{ $$ = ""; }
	| proto_toks proto_tok	{ $$ = !strcmp($2, ",") ? tree_printf("%s,", $1) : join($1, $2); }
	;

proto_tok:
	  any_name		{ $$ = $1; }
	| TOK_TYPENAME		{ $$ = $1; }
	| tagged		{ $$ = $1; }
	| '*'			{ $$ = "*"; }
	| ','			{ $$ = ","; }
	;

fnsigs:
	  fnsig			{ $$ = $1; }
	| fnsigs fnsig		{ $$ = $1; APPEND($$, $2); }
	;

fnsig:
	  TOK_FN any_name '(' params ')' TOK_ARROW ctype
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @2;
			$$->symbol = $2;
			$$->params = $4;
			$$->ret_type = $7;
		}
	| fnsig TOK_OPTIONAL		{ $$ = $1; $$->optional = true; }
	| fnsig TOK_SINCE TOK_NUMBER	{ $$ = $1; $$->since = $3; $$->since_pos = @3; }
	| fnsig TOK_BEFORE TOK_NUMBER	{ $$ = $1; $$->before = $3; $$->before_pos = @3; }
	;

params:
	  %empty		{ $$ = NULL; }
	| params1		{ $$ = $1; }
	| params1 ',' TOK_ELLIPSIS
		{
			struct param *p = tree_alloc(sizeof(*p));

			/* The variadic part: a marker the checks take off the list. */
			p->pos = @3;
			p->decl = "...";
			p->ctype = "...";
			$$ = $1;
			APPEND($$, p);
		}
	;

params1:
	  param			{ $$ = $1; }
	| params1 ',' param	{ $$ = $1; APPEND($$, $3); }
	;

param:
	  ptoks			{ $$ = make_param($1.decl, $1.last, &@$); }
	| ptoks '(' '*' any_name ')' '(' params ')'
		{
			const char *inner = "";

			/* A function pointer: the decl is written back whole, as C wants it. */
			for (struct param *q = $7; q; q = q->next)
				inner = tree_printf("%s%s%s", inner, q->decl, q->next ? ", " : "");
			$$ = make_param(tree_printf("%s (*%s)(%s)", $1.decl, $4, $7 ? inner : "void"),
					NULL, &@$);
			$$->ctype = tree_printf("%s (*)(%s)", $1.decl, $7 ? inner : "void");
			$$->name = $4;
			$$->funcptr = true;
		}
	;

ptoks:
	  ctword		{ $$.decl = $1; $$.last = NULL; }
	| ptoks ctword		{ $$.decl = join($1.decl, $2); $$.last = strcmp($2, "*") && !strchr($2, ' ') ? $2 : NULL; }
	| ptoks keyword		{ $$.decl = join($1.decl, $2); $$.last = $2; }
	| ptoks TOK_KERNEL	{ $$.decl = join($1.decl, $2); $$.last = $2; }
	| ptoks TOK_ELSE	{ $$.decl = join($1.decl, $2); $$.last = $2; }
	| ptoks TOK_SIZEOF	{ $$.decl = join($1.decl, $2); $$.last = $2; }
	| ptoks '[' ']'		{ $$.decl = join($1.decl, "[]"); $$.last = NULL; }
	| ptoks '[' TOK_NUMBER ']'
				{ $$.decl = join($1.decl, tree_printf("[%s]", $3)); $$.last = NULL; }
	;

clauses:
	  %empty		{ $$ = NULL; }
	| clauses clause	{ $$ = $1; APPEND($$, $2); }
	;

clause:
	  TOK_MAY_SLEEP
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->kind = CL_MAY_SLEEP;
			$$->pos = @$;
		}
	| TOK_MAY_SLEEP TOK_IF expr
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->kind = CL_MAY_SLEEP;
			$$->pos = @1;
			$$->value = $3;
		}
	| TOK_FAILS fail_values
		{
			$$ = fails_clause($2, &@$, NULL);
		}
	| TOK_FAILS fail_values TOK_IF expr
		{
			$$ = fails_clause($2, &@$, $4);
		}
	| TOK_WRITES expr '=' expr
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->kind = CL_WRITES;
			$$->pos = @2;
			$$->target = $2;
			$$->value = $4;
		}
	| TOK_CITE TOK_STRING
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->kind = CL_CITE;
			$$->pos = @$;
			$$->cite = cite_new($2, &@2);
		}
	| TOK_CLASS TOK_IDENT
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->kind = CL_CLASS;
			$$->pos = @2;
			$$->class_name = $2;
		}
	| TOK_CLASS TOK_IDENT '(' class_args ')'
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->kind = CL_CLASS;
			$$->pos = @2;
			$$->class_name = $2;
			$$->class_args = $4;
		}
	;

fail_values:
	  expr			{ $$ = $1; }
	| fail_values ',' expr	{ $$ = $1; APPEND($$, $3); }
	;

class_args:
	  class_arg			{ $$ = $1; }
	| class_args ',' class_arg	{ $$ = $1; APPEND($$, $3); }
	;

class_arg:
	  TOK_IDENT
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->name = $1;
		}
	| TOK_IDENT '=' expr
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->name = $1;
			$$->value = $3;
		}
	;

scope_items:
	  %empty			{ $$ = NULL; }
	| scope_items scope_item	{ $$ = $1; if ($2) APPEND($$, $2); }
	;

scope_item:
	  word any_name ';'
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->word = $1;
			$$->value = $2;
			$$->value_pos = @2;
		}
	| error ';'		{ $$ = NULL; }
	;

/* Scope items use ordinary words (begin, end, count), not keywords. */
word:
	  TOK_IDENT		{ $$ = $1; }
	;

block:
	  '{' stmts '}'		{ $$ = $2; }
	;

stmts:
	  %empty		{ $$ = NULL; }
	| stmts stmt		{ $$ = $1; if ($2) APPEND($$, $2); }
	;

stmt:
	  TOK_CHECK expr message ';'
		{
			$$ = stmt_new(S_CHECK, &@$);
			$$->cond = $2;
			$$->msg = $3;
		}
	| TOK_REQUIRE expr message ';'
		{
			$$ = stmt_new(S_REQUIRE, &@$);
			$$->cond = $2;
			$$->msg = $3;
		}
	| TOK_CREATE objref inits_opt state_opt else_opt_msg ';'
		{
			$$ = stmt_new(S_CREATE, &@$);
			$$->obj = $2;
			$$->inits = $3;
			$$->name = $4;
			$$->name_pos = @4;
			$$->msg = $5;
		}
	| TOK_DESTROY objref else_opt_msg ';'
		{
			$$ = stmt_new(S_DESTROY, &@$);
			$$->obj = $2;
			$$->msg = $3;
		}
	| objref '.' TOK_IDENT '=' expr ';'
		{
			$$ = stmt_new(S_SET_FIELD, &@$);
			$$->obj = $1;
			$$->name = $3;
			$$->name_pos = @3;
			$$->value = $5;
		}
	| objref '.' TOK_STATE '=' TOK_IDENT ';'
		{
			$$ = stmt_new(S_SET_STATE, &@$);
			$$->obj = $1;
			$$->name = $5;
			$$->name_pos = @5;
		}
	| TOK_ADJUST objref '.' TOK_IDENT TOK_BY expr TOK_WITHIN expr TOK_DOTDOT expr else_opt_msg ';'
		{
			$$ = stmt_new(S_ADJUST, &@$);
			$$->obj = $2;
			$$->name = $4;
			$$->name_pos = @4;
			$$->value = $6;
			$$->lo = $8;
			$$->hi = $10;
			$$->msg = $11;
		}
	| TOK_MANAGED objref TOK_BY expr ';'
		{
			$$ = stmt_new(S_MANAGED, &@$);
			$$->obj = $2;
			$$->value = $4;
		}
	| TOK_TRANSFER objref TOK_STRING ';'
		{
			$$ = stmt_new(S_TRANSFER, &@$);
			$$->obj = $2;
			$$->why = $3;
		}
	| TOK_AFTER block
		{
			$$ = stmt_new(S_AFTER, &@1);
			$$->body = $2;
		}
	| TOK_AFTER expr block
		{
			$$ = stmt_new(S_AFTER, &@1);
			$$->cond = $2;
			$$->body = $3;
		}
	| TOK_IF expr block else_opt
		{
			$$ = stmt_new(S_IF, &@1);
			$$->cond = $2;
			$$->body = $3;
			$$->else_body = $4;
		}
	| TOK_IF TOK_KERNEL kernel_op TOK_NUMBER block else_opt
		{
			$$ = stmt_new(S_IF_KERNEL, &@1);
			$$->kernel_op = $3;
			$$->version = $4;
			$$->name_pos = @4;
			$$->body = $5;
			$$->else_body = $6;
		}
	| TOK_FOREACH name '[' TOK_IDENT ']' TOK_INSIDE objref block
		{
			$$ = stmt_new(S_FOREACH, &@1);
			$$->obj = make_objref($2, NULL, &@2);
			$$->var = $4;
			$$->name_pos = @4;
			$$->in = $7;
			$$->body = $8;
		}
	| error ';'		{ $$ = NULL; }
	;

kernel_op:
	  TOK_GE		{ $$ = TOK_GE; }
	| '<'			{ $$ = '<'; }
	;

else_opt:
	  %empty		{ $$ = NULL; }
	| TOK_ELSE block	{ $$ = $2; }
	;

/* Without "else", the rule keeps its default text but may still take an id. */
else_opt_msg:
	  msg_opts		{ $$ = $1 ? msg_new(NULL, &@1, $1) : NULL; }
	| TOK_ELSE message	{ $$ = $2; }
	;

state_opt:
	  %empty		{ $$ = NULL; }
	| TOK_STATE TOK_IDENT	{ $$ = $2; }
	;

inits_opt:
	  %empty		{ $$ = NULL; }
	| '{' inits '}'		{ $$ = $2; }
	;

inits:
	  %empty		{ $$ = NULL; }
	| inits init		{ $$ = $1; APPEND($$, $2); }
	;

init:
	  TOK_IDENT '=' expr ';'
		{
			$$ = tree_alloc(sizeof(*$$));
			$$->pos = @1;
			$$->field = $1;
			$$->value = $3;
		}
	;

objref:
	  name '[' expr ']'	{ $$ = make_objref($1, $3, &@$); }
	;

message:
	  TOK_STRING msg_opts		{ $$ = msg_new($1, &@1, $2); }
	;

msg_opts:
	  %empty		{ $$ = NULL; }
	| msg_opts TOK_IDENT TOK_STRING
		{
			struct msg_opt *o = tree_alloc(sizeof(*o));

			o->pos = @$;
			o->word = $2;
			o->value = $3;
			$$ = $1;
			APPEND($$, o);
		}
	| msg_opts TOK_IDENT
		{
			struct msg_opt *o = tree_alloc(sizeof(*o));

			o->pos = @2;
			o->word = $2;
			$$ = $1;
			APPEND($$, o);
		}
	| msg_opts TOK_CITE TOK_STRING
		{
			struct msg_opt *o = tree_alloc(sizeof(*o));

			o->pos = @3;
			o->word = $2;
			o->value = $3;
			$$ = $1;
			APPEND($$, o);
		}
	;

cast_type:
	  TOK_TYPENAME		{ $$ = $1; }
	| tagged		{ $$ = $1; }
	| cast_type ctword	{ $$ = join($1, $2); }
	;

expr:
	  primary			{ $$ = $1; }
	| '!' expr %prec UNARY		{ $$ = expr_unary('!', $2, &@$); }
	| '-' expr %prec UNARY		{ $$ = expr_unary('-', $2, &@$); }
	| '~' expr %prec UNARY		{ $$ = expr_unary('~', $2, &@$); }
	| '*' expr %prec UNARY		{ $$ = expr_unary('*', $2, &@$); }
	| '&' expr %prec UNARY		{ $$ = expr_unary('&', $2, &@$); }
	| '(' cast_type ')' expr %prec UNARY
		{
			$$ = expr_unary(0, $4, &@$);
			$$->kind = E_CAST;
			$$->text = $2;
		}
	| TOK_SIZEOF '(' cast_type ')'
		{
			$$ = expr_new(E_SIZEOF, &@$);
			$$->text = $3;
		}
	| expr '*' expr			{ $$ = expr_binary('*', $1, $3, &@$); }
	| expr '/' expr			{ $$ = expr_binary('/', $1, $3, &@$); }
	| expr '%' expr			{ $$ = expr_binary('%', $1, $3, &@$); }
	| expr '+' expr			{ $$ = expr_binary('+', $1, $3, &@$); }
	| expr '-' expr			{ $$ = expr_binary('-', $1, $3, &@$); }
	| expr TOK_SHL expr		{ $$ = expr_binary(TOK_SHL, $1, $3, &@$); }
	| expr TOK_SHR expr		{ $$ = expr_binary(TOK_SHR, $1, $3, &@$); }
	| expr '<' expr			{ $$ = expr_binary('<', $1, $3, &@$); }
	| expr '>' expr			{ $$ = expr_binary('>', $1, $3, &@$); }
	| expr TOK_LE expr		{ $$ = expr_binary(TOK_LE, $1, $3, &@$); }
	| expr TOK_GE expr		{ $$ = expr_binary(TOK_GE, $1, $3, &@$); }
	| expr TOK_EQ expr		{ $$ = expr_binary(TOK_EQ, $1, $3, &@$); }
	| expr TOK_NE expr		{ $$ = expr_binary(TOK_NE, $1, $3, &@$); }
	| expr '&' expr			{ $$ = expr_binary('&', $1, $3, &@$); }
	| expr '^' expr			{ $$ = expr_binary('^', $1, $3, &@$); }
	| expr '|' expr			{ $$ = expr_binary('|', $1, $3, &@$); }
	| expr TOK_AND expr		{ $$ = expr_binary(TOK_AND, $1, $3, &@$); }
	| expr TOK_OR expr		{ $$ = expr_binary(TOK_OR, $1, $3, &@$); }
	| expr '?' expr ':' expr
		{
			$$ = expr_binary('?', $1, $3, &@$);
			$$->kind = E_COND;
			$$->c = $5;
			if ($5->depth + 1 > $$->depth)
				$$->depth = $5->depth + 1;
		}
	;

primary:
	  TOK_NUMBER		{ $$ = expr_new(E_NUM, &@$); $$->text = $1; }
	| TOK_STRING		{ $$ = expr_new(E_STR, &@$); $$->text = $1; }
	| name			{ $$ = expr_new(E_NAME, &@$); $$->text = $1; }
	| name '(' args ')'
		{
			$$ = expr_new(E_CALL, &@$);
			$$->text = $1;
			$$->args = $3;
			for (struct expr *a = $3; a; a = a->next)
				if (a->depth + 1 > $$->depth)
					$$->depth = a->depth + 1;
		}
	| name '[' expr ']'
		{
			$$ = expr_unary(0, $3, &@$);
			$$->kind = E_OBJ;
			$$->text = $1;
		}
	| primary '.' any_name
		{
			$$ = expr_unary('.', $1, &@$);
			$$->kind = $1->kind == E_OBJ ? E_FIELD : E_MEMBER;
			$$->text = $3;
		}
	| primary TOK_ARROW any_name
		{
			$$ = expr_unary(TOK_ARROW, $1, &@$);
			$$->kind = E_MEMBER;
			$$->text = $3;
		}
	| '(' expr ')'		{ $$ = $2; }
	;

/*
 * Keywords are contextual: where the grammar expects a name and no keyword can
 * stand, a keyword is a name ("dev->class", "struct class *class", "fn check").
 * kernel and sizeof start constructs of expressions and else follows a block,
 * so they are names only where neither can stand (any_name); include switches
 * the lexer.
 */
keyword:
	  TOK_PACK | TOK_IMPORT | TOK_OBJECT | TOK_STATES | TOK_LEAK | TOK_API | TOK_FN | TOK_PREDICATE
	| TOK_SCOPE | TOK_CHECK | TOK_REQUIRE | TOK_CREATE | TOK_DESTROY | TOK_ADJUST
	| TOK_BY | TOK_WITHIN | TOK_TRANSFER | TOK_AFTER | TOK_FOREACH | TOK_INSIDE
	| TOK_IF | TOK_FAILS | TOK_MAY_SLEEP | TOK_CLASS | TOK_OPTIONAL
	| TOK_SINCE | TOK_BEFORE | TOK_STATE | TOK_WRITES | TOK_CITE | TOK_ACTIVE | TOK_MANAGED
	;

name:
	  TOK_IDENT
	| keyword
	;

any_name:
	  name
	| TOK_KERNEL
	| TOK_SIZEOF
	| TOK_ELSE
	;

args:
	  %empty		{ $$ = NULL; }
	| args1			{ $$ = $1; }
	;

args1:
	  expr			{ $$ = $1; }
	| args1 ',' expr	{ $$ = $1; APPEND($$, $3); }
	;

%%

static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct spec *spec, const char *msg)
{
	if (!strcmp(msg, "memory exhausted"))
		error_at(loc, PARSE_TOO_DEEP, "constructs nested too deeply");
	else
		error_at(loc, PARSE_SYNTAX, "%s", msg);
}
