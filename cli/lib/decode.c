/*
 * decode.c: turns the runtime's binary log records into events that carry
 * names: the rule, its message and spec position from the catalogs, the
 * driver and the call site (function+offset) from the site table the command
 * sent for that driver, the API from the runtime's function table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <ddv/logrec.h>
#include <ddv/runtime_msgs.h>
#include <ddv/uapi.h>
#include "logring.h"
#include "inject.h"

#include "decode.h"
#include "util.h"
#include "module.h"
#include "catalog.h"
#include "runtime.h"

#define NO_SITE 0xffffffffu

void decoder_init(struct decoder *dec, const struct catalog *cat, const struct rt_tables *rt,
		  bool use_state)
{
	memset(dec, 0, sizeof(*dec));
	dec->cat = cat;
	dec->rt = rt;
	dec->use_state = use_state;
}

void decoder_free(struct decoder *dec)
{
	for (unsigned int i = 0; i < DECODE_MAX_DUTS; i++)
		site_table_free(&dec->sites[i]);
	for (unsigned int i = 0; i < dec->nretired; i++)
		site_table_free(&dec->retired[i]);
	free(dec->retired);
	free(dec->pending);
}

/* Gives the decoder a driver's site table (taken over); for tests and 'ddv load'. */
int decoder_set_sites(struct decoder *dec, unsigned int dut, struct site_table *table)
{
	if (dut >= DECODE_MAX_DUTS)
		return -EINVAL;
	/* Events decoded already may point into the old table: it lives until the end. */
	dec->retired = xrealloc(dec->retired, (dec->nretired + 1) * sizeof(*dec->retired));
	dec->retired[dec->nretired++] = dec->sites[dut];
	dec->sites[dut] = *table;
	memset(table, 0, sizeof(*table));
	return 0;
}

/* A driver was (re)armed: the next site table of its id is the one in force now. */
static void advance_generation(struct decoder *dec, unsigned int dut)
{
	struct site_table table;

	if (!dec->use_state || dut >= DECODE_MAX_DUTS)
		return;
	dec->generation[dut]++;
	if (state_load_sites(dut, dec->generation[dut], &table))
		memset(&table, 0, sizeof(table));
	decoder_set_sites(dec, dut, &table);
}

static bool is_rule(const struct event *ev, const char *rule_id);
static const struct event_arg *find_arg(const struct event *ev, const char *name);

/*
 * Which site table is in force for a driver id, as the runtime's records go
 * by. Each DDV_OP_TARGET or _ATTACH the command sent is one table, and one
 * ddv.driver-armed or ddv.attached record. Sites refused during an attach
 * are logged before ddv.attached: a record about a driver id with no table
 * in force opens the next table early, and the arming record then takes it.
 * A table closes when its driver is detached, or unloaded after an attach
 * (the runtime keeps a loaded driver armed after its unload, with its table).
 */
static void track_generation(struct decoder *dec, const struct event *ev, bool before)
{
	const struct event_arg *a = ev->pack_id == 0 ? find_arg(ev, "dut") : NULL;
	bool arming = is_rule(ev, "ddv.driver-armed") || is_rule(ev, "ddv.attached");
	unsigned int dut;

	if (!a || a->value >= DECODE_MAX_DUTS || !dec->use_state)
		return;
	dut = a->value;
	if (before) {
		if (arming && dec->table_open[dut] && !dec->table_armed[dut]) {
			dec->table_armed[dut] = true;
		} else if (arming || !dec->table_open[dut]) {
			advance_generation(dec, dut);
			dec->table_open[dut] = true;
			dec->table_armed[dut] = arming;
		}
		if (arming)
			dec->attached[dut] = is_rule(ev, "ddv.attached");
		return;
	}
	if (is_rule(ev, "ddv.detached") ||
	    (is_rule(ev, "ddv.driver-going") && dec->attached[dut]))
		dec->table_open[dut] = false;
}

static const struct event_arg *find_arg(const struct event *ev, const char *name)
{
	for (unsigned int i = 0; i < ev->nargs; i++)
		if (!strcmp(ev->args[i].name, name))
			return &ev->args[i];
	return NULL;
}

/*
 * The called function of an event, from the runtime's table alone (the
 * session checked the catalogs against it): by the function id when the
 * record names one, else by the symbol the site calls, the event's own
 * pack's function first (two packs may probe one symbol).
 */
static void name_call(const struct decoder *dec, struct event *ev, int64_t func)
{
	const struct rt_func *f = NULL;

	if (!dec->rt) {
		ev->api = ev->symbol;
		return;
	}
	if (func >= 0)
		f = rt_func_by_id(dec->rt, func);
	for (unsigned int i = 0; !f && ev->symbol && i < dec->rt->nfuncs; i++) {
		const struct rt_func *c = &dec->rt->funcs[i];

		if (!strcmp(c->symbol, ev->symbol) && ev->pack_id && ev->pack &&
		    !strcmp(c->pack, ev->pack))
			f = c;
	}
	for (unsigned int i = 0; !f && ev->symbol && i < dec->rt->nfuncs; i++)
		if (!strcmp(dec->rt->funcs[i].symbol, ev->symbol))
			f = &dec->rt->funcs[i];
	if (f) {
		ev->symbol = f->symbol;
		ev->api = f->api;
	} else {
		ev->api = ev->symbol;
	}
}

/* The driver, site and function of an event, from its ddv.at record (or its own arguments). */
static void set_context(struct decoder *dec, struct event *ev, int64_t dut, uint32_t site,
			int64_t func)
{
	if (dut >= 0 && dut < DECODE_MAX_DUTS) {
		ev->dut = dut;
		ev->module = dec->sites[dut].module;
		ev->driver = ev->module;
		ev->members = dec->sites[dut].members;
		ev->nmembers = dec->sites[dut].nmembers;
		ev->site_id = site;
		if (site != NO_SITE && site < dec->sites[dut].nsites) {
			ev->site = &dec->sites[dut].sites[site];
			ev->symbol = ev->site->symbol;
			/* A family's finding names the member whose site made the call. */
			ev->module = site_module(&dec->sites[dut], ev->site);
		}
	}
	name_call(dec, ev, func);
}

void decode_record(struct decoder *dec, const struct ddv_logrec *rec, struct event *ev)
{
	const struct event_arg *a;
	struct cat_pack *pack = NULL;

	memset(ev, 0, sizeof(*ev));
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	ev->dut = -1;
	ev->site_id = NO_SITE;
	dec->records++;
	if (rec->kind == DDV_LOGREC_DROP) {
		ev->is_drop = true;
		ev->dropped = rec->dropped;
		dec->dropped += rec->dropped;
		return;
	}
	ev->pack_id = DDV_MSG_PACK(rec->msg);
	ev->index = DDV_MSG_INDEX(rec->msg);
	if (ev->pack_id == 0) {
		ev->pack = CATALOG_RUNTIME_PACK;
	} else if (dec->rt) {
		const struct rt_pack *rp = rt_pack_by_id(dec->rt, ev->pack_id);

		ev->pack = rp ? rp->name : NULL;
	}
	if (ev->pack)
		pack = catalog_pack(dec->cat, ev->pack);
	ev->msg = catalog_msg(pack, ev->index);
	if (!ev->msg) {
		dec->unknown++;
	} else if (rec->nargs != (ev->msg->nargs < DDV_LOG_MAX_ARGS ? ev->msg->nargs :
				  DDV_LOG_MAX_ARGS) && !dec->mismatch_warned) {
		/* A catalog from another build of the pack names the wrong things. */
		dec->mismatch_warned = true;
		ddv_warn("record of %s has %u arguments, its catalog (%s) says %u: "
			 "is the catalog the one of the loaded pack module?", ev->msg->rule_id,
			 rec->nargs, pack ? pack->source : "?", ev->msg->nargs);
	}
	ev->nargs = rec->nargs > DDV_LOG_MAX_ARGS ? DDV_LOG_MAX_ARGS : rec->nargs;
	for (unsigned int i = 0; i < ev->nargs; i++) {
		static const char *const generic[] = { "arg0", "arg1", "arg2", "arg3", "arg4",
							 "arg5", "arg6", "arg7" };

		if (ev->msg && i < ev->msg->nargs)
			ev->args[i].name = ev->msg->args[i];
		else
			ev->args[i].name = generic[i];
		ev->args[i].value = rec->args[i];
	}
	if (ev->msg)
		ev->spec = &ev->msg->pos;

	track_generation(dec, ev, true);
	/* The runtime's own messages name their driver, site and function themselves. */
	a = ev->pack_id == 0 ? find_arg(ev, "dut") : NULL;
	if (a) {
		const struct event_arg *s = find_arg(ev, "site"), *f = find_arg(ev, "func");

		set_context(dec, ev, a->value, s ? (uint32_t)s->value : NO_SITE,
			    f ? (int64_t)f->value : -1);
	} else if (ev->pack_id == 0 && (a = find_arg(ev, "func"))) {
		set_context(dec, ev, -1, NO_SITE, a->value);
	}
	track_generation(dec, ev, false);
}

static bool is_rule(const struct event *ev, const char *rule_id)
{
	return ev->pack_id == 0 && ev->msg && !strcmp(ev->msg->rule_id, rule_id);
}

/* Records that a ddv.at record (and maybe ddv.stack records) follow. */
static bool wants_context(const struct event *ev)
{
	return !ev->is_drop && (ev->pack_id != 0 || is_rule(ev, "ddv.fault-injected") ||
				is_rule(ev, "ddv.lock-delayed") || is_rule(ev, "ddv.stack-id"));
}

bool event_is_finding(const struct event *ev)
{
	if (ev->is_drop || !ev->msg)
		return ev->is_drop || ev->pack_id != 0;
	return ev->msg->severity != CAT_NOTE;
}

static const char *refuse_reason(uint64_t reason)
{
	switch (reason) {
	case DDV_REFUSE_NO_FUNC:
		return "no pack probes the called symbol";
	case DDV_REFUSE_NO_SYMBOL:
		return "function not in the module's symbol table";
	case DDV_REFUSE_OUTSIDE:
		return "address outside the module's text";
	case DDV_REFUSE_OPCODE:
		return "not the call/jmp/jcc the relocation says";
	case DDV_REFUSE_TARGET:
		return "the instruction does not call the symbol";
	case DDV_REFUSE_RANGE:
		return "wrapper out of rel32 reach";
	case DDV_REFUSE_INIT_GONE:
		return "init text is gone (attach)";
	default:
		return "unknown reason";
	}
}

static void site_name(const struct decoder *dec, unsigned int dut, uint64_t site_id,
		      struct strbuf *sb)
{
	const struct site_table *t = dut < DECODE_MAX_DUTS ? &dec->sites[dut] : NULL;

	if (site_id == NO_SITE)
		sb_puts(sb, "(unknown site)");
	else if (t && site_id < t->nsites)
		sb_printf(sb, "%s+0x%x", t->sites[site_id].func, t->sites[site_id].func_offset);
	else
		sb_printf(sb, "site %" PRIu64, site_id);
}

/* One argument as a person reads it: names for ids, hex for addresses. */
static void format_arg(const struct decoder *dec, const struct event *ev,
		       const struct event_arg *a, struct strbuf *sb)
{
	int64_t sv = (int64_t)a->value;

	/*
	 * The event's own context first: events are delivered after their whole
	 * piece is decoded, when a later record may have put another site table
	 * in force for the same driver id.
	 */
	if (!strcmp(a->name, "dut") && ev->module && ev->dut >= 0 && a->value == (uint64_t)ev->dut) {
		sb_puts(sb, ev->module);
	} else if (!strcmp(a->name, "dut") && a->value < DECODE_MAX_DUTS &&
		   dec->sites[a->value].module) {
		sb_puts(sb, dec->sites[a->value].module);
	} else if (!strcmp(a->name, "site") && ev->site && a->value == ev->site_id) {
		sb_printf(sb, "%s+0x%x", ev->site->func, ev->site->func_offset);
	} else if (!strcmp(a->name, "site") && ev->dut >= 0) {
		site_name(dec, ev->dut, (uint32_t)a->value, sb);
	} else if (!strcmp(a->name, "func") && ev->pack_id == 0 && ev->api) {
		sb_puts(sb, ev->api);
	} else if (!strcmp(a->name, "reason") && is_rule(ev, "ddv.site-refused")) {
		sb_puts(sb, refuse_reason(a->value));
	} else if (!strcmp(a->name, "reason") && is_rule(ev, "ddv.fault-injected")) {
		sb_puts(sb, inject_reason_name(a->value));
	} else if (!strcmp(a->name, "action") && is_rule(ev, "ddv.trigger-fired") &&
		   a->value >= DDV_TRIGGER_FAIL && a->value <= DDV_TRIGGER_RUN) {
		static const char *const actions[] = { "", "fail", "delay (us)", "run command" };

		sb_puts(sb, actions[a->value]);
	} else if (!strcmp(a->name, "target") && is_rule(ev, "ddv.trigger-fired")) {
		/* The function failed; the other actions have none. */
		const struct event_arg *act = find_arg(ev, "action");
		const struct rt_func *f = dec->rt ? rt_func_by_id(dec->rt, a->value) : NULL;

		if (act && act->value != DDV_TRIGGER_FAIL)
			sb_puts(sb, "-");
		else if (f)
			sb_puts(sb, f->symbol);
		else
			sb_printf(sb, "%" PRIu64, a->value);
	} else if (!strcmp(a->name, "errno") && a->value && a->value < 4096) {
		sb_puts(sb, strerror(a->value));
	} else if (sv < 0 && sv > -4096) {
		sb_printf(sb, "%" PRId64, sv);
	} else if (a->value >= (1ULL << 32)) {
		sb_printf(sb, "%#" PRIx64, a->value);
	} else {
		sb_printf(sb, "%" PRIu64, a->value);
	}
}

/* The message with its {placeholders} filled in. */
void event_message(const struct decoder *dec, const struct event *ev, struct strbuf *sb)
{
	const char *p;

	if (!ev->msg) {
		sb_printf(sb, "unknown message %u of pack %s", ev->index,
			  ev->pack ? ev->pack : "?");
		for (unsigned int i = 0; i < ev->nargs; i++)
			sb_printf(sb, "%s%#" PRIx64, i ? ", " : " (", ev->args[i].value);
		if (ev->nargs)
			sb_puts(sb, ")");
		return;
	}
	for (p = ev->msg->text; *p;) {
		const char *open = strchr(p, '{'), *close;
		const struct event_arg *a = NULL;
		size_t len;
		bool hex;

		if (!open) {
			sb_puts(sb, p);
			break;
		}
		sb_add(sb, p, open - p);
		close = strchr(open, '}');
		if (!close) {
			sb_puts(sb, open);
			break;
		}
		/* {name:x}: hex, whatever the value (ddvc allows no other format). */
		hex = close - open > 2 && !strncmp(close - 2, ":x", 2);
		len = (size_t)(close - open - 1) - (hex ? 2 : 0);
		for (unsigned int i = 0; i < ev->nargs; i++)
			if (strlen(ev->args[i].name) == len && !strncmp(ev->args[i].name, open + 1, len))
				a = &ev->args[i];
		if (a && hex)
			sb_printf(sb, "%#" PRIx64, a->value);
		else if (a)
			format_arg(dec, ev, a, sb);
		else
			sb_puts(sb, "?");	/* the record lacks it: never show a raw {name} */
		p = close + 1;
	}
}

void event_arg_text(const struct decoder *dec, const struct event *ev, unsigned int i,
		    struct strbuf *sb)
{
	if (i < ev->nargs)
		format_arg(dec, ev, &ev->args[i], sb);
}

/* A leak's site is where the object was created; so is a leak scope's (PACK.scope.NAME). */
bool event_site_is_allocation(const struct event *ev)
{
	return ev->msg && (strstr(ev->msg->rule_id, "leak") || strstr(ev->msg->rule_id, ".scope."));
}

/* The source line of the event's call site, from the driver's DWARF (srcline.c). */
static bool site_source(const struct decoder *dec, const struct event *ev, struct srcloc *loc)
{
	return dec->sources && ev->module && ev->site && ev->pack_id && ev->site->section &&
	       modsyms_section_source(ev->module, ev->site->section, ev->site->section_offset, loc);
}

/*
 * The source of the event's site, or of its stack's frame i, as text
 * (srcloc_text): false, sb untouched, when the driver's DWARF does not say
 * or the decoder was not asked (dec->sources). For every view of a report.
 */
bool event_site_source(const struct decoder *dec, const struct event *ev, struct strbuf *sb)
{
	struct srcloc loc;

	if (!site_source(dec, ev, &loc))
		return false;
	srcloc_text(&loc, sb);
	srcloc_free(&loc);
	return true;
}

bool event_frame_source(const struct decoder *dec, const struct event *ev, unsigned int i,
			struct strbuf *sb)
{
	struct srcloc loc;

	if (!dec->sources || i >= ev->nstack || !modsyms_source(ev->stack[i], &loc))
		return false;
	srcloc_text(&loc, sb);
	srcloc_free(&loc);
	return true;
}

void event_text(const struct decoder *dec, const struct event *ev, struct strbuf *sb)
{
	struct strbuf place = { 0 };

	sb_printf(sb, "[%6" PRIu64 ".%06" PRIu64 "] cpu%u ", ev->ts / 1000000000,
		  ev->ts / 1000 % 1000000, ev->cpu);
	if (ev->is_drop) {
		sb_printf(sb, "error ddv.log-lost: %" PRIu64 " records lost on cpu%u (ring full)\n",
			  ev->dropped, ev->cpu);
		return;
	}
	sb_printf(sb, "%s %s: ", ev->msg ? cat_severity_name(ev->msg->severity) : "error",
		  ev->msg ? ev->msg->rule_id : "ddv.unknown-message");
	event_message(dec, ev, sb);
	if (ev->module && ev->site && ev->pack_id) {
		sb_printf(sb, " [%s: %s+0x%x, %s %s]", ev->module, ev->site->func,
			  ev->site->func_offset, site_kind(ev->site), ev->api);
	} else if (ev->module && ev->pack_id) {
		sb_printf(sb, " [%s]", ev->module);
	}
	if (ev->spec && ev->pack_id)
		sb_printf(sb, " (%s:%u:%u)", ev->spec->file, ev->spec->line, ev->spec->col);
	sb_puts(sb, "\n");
	if (event_site_source(dec, ev, &place)) {
		sb_printf(sb, "    %s: %s\n", event_site_is_allocation(ev) ? "allocation site" : "site",
			  place.s);
		sb_free(&place);
	}
	for (unsigned int i = 0; i < ev->nstack; i++) {
		sb_printf(sb, "    #%u %#" PRIx64 " ", i, ev->stack[i]);
		ksym_name(ev->stack[i], sb);
		if (event_frame_source(dec, ev, i, &place)) {
			sb_printf(sb, " %s", place.s);
			sb_free(&place);
		}
		sb_puts(sb, "\n");
	}
}

static void json_value(struct strbuf *sb, uint64_t v)
{
	/* Past 2^53 a JSON number loses bits in most readers: addresses go as strings. */
	if (v >= (1ULL << 32))
		sb_printf(sb, "\"%#" PRIx64 "\"", v);
	else
		sb_printf(sb, "%" PRIu64, v);
}

/*
 * The stack's addresses, their names, and (when the driver's DWARF gives any)
 * their source lines: "stack_source", null for a frame it does not cover.
 */
static void stack_json(const struct decoder *dec, const struct event *ev, struct strbuf *sb)
{
	struct srcloc loc[EVENT_MAX_FRAMES];
	bool any = false, known[EVENT_MAX_FRAMES];

	sb_puts(sb, ",\"stack\":[");
	for (unsigned int i = 0; i < ev->nstack; i++)
		sb_printf(sb, "%s\"%#" PRIx64 "\"", i ? "," : "", ev->stack[i]);
	sb_puts(sb, "],\"stack_symbols\":[");
	for (unsigned int i = 0; i < ev->nstack; i++) {
		struct strbuf name = { 0 };

		if (i)
			sb_puts(sb, ",");
		if (ksym_name(ev->stack[i], &name))
			sb_json_str(sb, name.s);
		else
			sb_puts(sb, "null");
		sb_free(&name);
		known[i] = dec->sources && modsyms_source(ev->stack[i], &loc[i]);
		any |= known[i];
	}
	sb_puts(sb, "]");
	if (!any)
		return;
	sb_puts(sb, ",\"stack_source\":[");
	for (unsigned int i = 0; i < ev->nstack; i++) {
		sb_puts(sb, i ? "," : "");
		if (!known[i]) {
			sb_puts(sb, "null");
			continue;
		}
		sb_puts(sb, "{");
		srcloc_json(&loc[i], sb);
		sb_puts(sb, "}");
		srcloc_free(&loc[i]);
	}
	sb_puts(sb, "]");
}

/*
 * One JSON object (man ddv(8), JSON OUTPUT):
 * {"version":..,"ts":..,"cpu":..,"rule":..,"severity":..,"message":..,"spec":..,
 *  "driver":..,"api":..,"symbol":..,"site":{"function":..,"offset":..,"kind":..,
 *  "section":..,"source":{..}},"stack":[..],"stack_symbols":[..],"stack_source":[..],
 *  "args":{..}}
 */
void event_json(const struct decoder *dec, const struct event *ev, struct strbuf *sb)
{
	struct strbuf msg = { 0 };
	struct srcloc loc;

	sb_json_open(sb);
	sb_printf(sb, "\"ts\":%" PRIu64 ",\"cpu\":%u,", ev->ts, ev->cpu);
	if (ev->is_drop) {
		sb_printf(sb, "\"rule\":\"ddv.log-lost\",\"severity\":\"error\",\"lost\":%" PRIu64
			  "}\n", ev->dropped);
		return;
	}
	sb_puts(sb, "\"rule\":");
	sb_json_str(sb, ev->msg ? ev->msg->rule_id : "ddv.unknown-message");
	sb_puts(sb, ",\"severity\":");
	sb_json_str(sb, ev->msg ? cat_severity_name(ev->msg->severity) : "error");
	event_message(dec, ev, &msg);
	sb_puts(sb, ",\"message\":");
	sb_json_str(sb, msg.s ? msg.s : "");
	sb_free(&msg);
	sb_puts(sb, ",\"pack\":");
	if (ev->pack)
		sb_json_str(sb, ev->pack);
	else
		sb_printf(sb, "%u", ev->pack_id);
	if (ev->spec && ev->pack_id) {
		sb_puts(sb, ",\"spec\":");
		msg = (struct strbuf){ 0 };
		sb_printf(&msg, "%s:%u:%u", ev->spec->file, ev->spec->line, ev->spec->col);
		sb_json_str(sb, msg.s);
		sb_free(&msg);
	}
	if (ev->module) {
		sb_puts(sb, ",\"driver\":");
		sb_json_str(sb, ev->module);
	}
	if (ev->api) {
		sb_puts(sb, ",\"api\":");
		sb_json_str(sb, ev->api);
	}
	if (ev->symbol) {
		sb_puts(sb, ",\"symbol\":");
		sb_json_str(sb, ev->symbol);
	}
	if (ev->site) {
		sb_printf(sb, ",\"%s\":{\"function\":",
			  event_site_is_allocation(ev) ? "allocation_site" : "site");
		sb_json_str(sb, ev->site->func);
		sb_printf(sb, ",\"offset\":%u,\"kind\":\"%s\",\"section\":", ev->site->func_offset,
			  site_kind(ev->site));
		sb_json_str(sb, ev->site->section);
		if (site_source(dec, ev, &loc)) {
			sb_puts(sb, ",\"source\":{");
			srcloc_json(&loc, sb);
			sb_puts(sb, "}");
			srcloc_free(&loc);
		}
		sb_puts(sb, "}");
	}
	if (ev->nstack)
		stack_json(dec, ev, sb);
	sb_puts(sb, ",\"args\":{");
	for (unsigned int i = 0; i < ev->nargs; i++) {
		if (i)
			sb_puts(sb, ",");
		sb_json_str(sb, ev->args[i].name);
		sb_puts(sb, ":");
		json_value(sb, ev->args[i].value);
	}
	sb_puts(sb, "}}\n");
}

static struct event *pending_of(struct decoder *dec, unsigned int cpu)
{
	if (cpu >= 4096)
		return NULL;
	if (cpu >= dec->npending) {
		unsigned int n = cpu + 8;

		dec->pending = xrealloc(dec->pending, n * sizeof(*dec->pending));
		for (unsigned int i = dec->npending; i < n; i++)
			dec->pending[i].nargs = ~0u;	/* marks "none waiting" */
		dec->npending = n;
	}
	return &dec->pending[cpu];
}

/*
 * Events decode_chunk holds back until it has seen all its records: where
 * the driver's text lies (modsyms.c) may come in a record drained after the
 * event, from another CPU's ring. At most HOLD_MAX at once (a drain is 64 KiB
 * of records, a few thousand events): a long log is not held whole.
 */
#define HOLD_MAX 16384
struct held_event {
	struct event ev;
	const void *load;	/* modsyms_learn's key */
};

static struct held_event *held;
static size_t nheld, held_cap;
static bool holding;

static void deliver_held(struct decoder *dec, event_fn fn, void *data)
{
	for (size_t i = 0; i < nheld; i++) {
		modsyms_use(held[i].load);
		fn(dec, &held[i].ev, data);
	}
	modsyms_use(NULL);
	nheld = 0;
}

/* Hands ev to fn with its load's placement of the driver's symbols in force (modsyms.c). */
static void deliver(struct decoder *dec, struct event *ev, event_fn fn, void *data)
{
	const void *load = modsyms_learn(dec, ev);

	if (holding) {
		if (nheld == HOLD_MAX)
			deliver_held(dec, fn, data);
		if (nheld == held_cap) {
			held_cap = held_cap ? 2 * held_cap : 256;
			held = xrealloc(held, held_cap * sizeof(*held));
		}
		held[nheld++] = (struct held_event){ .ev = *ev, .load = load };
		return;
	}
	modsyms_use(load);
	fn(dec, ev, data);
	modsyms_use(NULL);
}

static void emit_pending(struct decoder *dec, struct event *p, event_fn fn, void *data)
{
	if (p && p->nargs != ~0u) {
		struct event ev = *p;

		p->nargs = ~0u;
		deliver(dec, &ev, fn, data);
	}
}

/* Emits the events still waiting for context (end of input, or a pause in --follow). */
void decode_flush(struct decoder *dec, event_fn fn, void *data)
{
	for (unsigned int i = 0; i < dec->npending; i++)
		emit_pending(dec, &dec->pending[i], fn, data);
}

/*
 * One record: a ddv.at or ddv.stack record completes the event before it on
 * the same CPU (the runtime writes them together); any other record first
 * emits that event.
 */
static void take_record(struct decoder *dec, const struct ddv_logrec *rec, event_fn fn, void *data)
{
	struct event ev, *p = pending_of(dec, rec->cpu);

	decode_record(dec, rec, &ev);
	if (is_rule(&ev, "ddv.at") && ev.nargs >= 3) {
		if (p && p->nargs != ~0u && p->dut < 0) {
			set_context(dec, p, ev.args[0].value, (uint32_t)ev.args[1].value,
				    ev.args[2].value);
			return;
		}
	} else if (is_rule(&ev, "ddv.stack")) {
		if (p && p->nargs != ~0u) {
			for (unsigned int i = 0; i < ev.nargs && p->nstack < 12; i++)
				if (ev.args[i].value)
					p->stack[p->nstack++] = ev.args[i].value;
			return;
		}
	}
	emit_pending(dec, p, fn, data);
	if (p && wants_context(&ev))
		*p = ev;
	else
		deliver(dec, &ev, fn, data);
}

/* A record and where it came in its piece, so that sorting keeps equal times in order. */
struct ordered_rec {
	struct ddv_logrec rec;
	size_t seq;
};

static int by_time(const void *a, const void *b)
{
	const struct ordered_rec *x = a, *y = b;

	if (x->rec.ts != y->rec.ts)
		return x->rec.ts < y->rec.ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void take_window(struct decoder *dec, struct ordered_rec *recs, size_t n, event_fn fn,
			void *data)
{
	if (n)		/* recs is NULL when the piece held no record */
		qsort(recs, n, sizeof(*recs), by_time);
	for (size_t i = 0; i < n; i++)
		take_record(dec, &recs[i].rec, fn, data);
}

/*
 * At most this many records are sorted at once (80 MiB): a long kept log is
 * not held whole. A read drains the rings in turn, so a CPU's records can
 * come after as much as a whole ring of another's (4 MiB by default, some
 * 400,000 records of 10 bytes): half the window covers that.
 */
#define ORDER_WINDOW (1u << 20)

/* Takes the older half of a full window; the newer half waits for what comes next. */
static size_t take_older_half(struct decoder *dec, struct ordered_rec *recs, size_t n,
			      event_fn fn, void *data)
{
	size_t half = n / 2;

	qsort(recs, n, sizeof(*recs), by_time);
	for (size_t i = 0; i < half; i++)
		take_record(dec, &recs[i].rec, fn, data);
	memmove(recs, recs + half, (n - half) * sizeof(*recs));
	return n - half;
}

/*
 * Decodes a piece of a record stream; garbage is skipped and counted, never
 * fatal. Events waiting for their context stay until the next piece or
 * decode_flush().
 *
 * The drain hands the rings over one CPU after the other, but a record may
 * need one logged before it on another CPU: a finding on CPU 1 is named by
 * the site table the ddv.attached record on CPU 0 put in force. So the
 * piece's records are taken in time order (local_clock(), which the kernel
 * keeps close across CPUs), ties in stream order, which keeps each CPU's
 * own order (an event, then its ddv.at and ddv.stack records). A CPU's
 * clock going back means a new boot's records follow (a state directory
 * kept across boots): those are sorted apart, after the ones before.
 * Pieces are not sorted against each other: --follow gives time order
 * within one read of the device only (a read drains the CPUs' rings in turn,
 * as much as fits); ddv report and ddv log decode the kept stream whole,
 * ORDER_WINDOW records at a time.
 */
int decode_chunk(struct decoder *dec, const void *buf, size_t len, event_fn fn, void *data)
{
	struct ordered_rec *recs = NULL;
	size_t nrecs = 0, cap = 0, seq = 0;
	uint64_t *last_ts = NULL;
	size_t nlast = 0;
	struct ddv_logrec rec;
	struct logdec d;
	int r;

	logdec_init(&d, buf, len);
	holding = true;
	while ((r = logdec_next(&d, &rec)) != 0) {
		if (r < 0) {
			dec->garbage++;
			continue;
		}
		if (rec.cpu >= nlast) {
			size_t n = rec.cpu + 8u;

			last_ts = xrealloc(last_ts, n * sizeof(*last_ts));
			memset(last_ts + nlast, 0, (n - nlast) * sizeof(*last_ts));
			nlast = n;
		}
		if (rec.ts < last_ts[rec.cpu]) {
			take_window(dec, recs, nrecs, fn, data);
			nrecs = 0;
			memset(last_ts, 0, nlast * sizeof(*last_ts));
		}
		last_ts[rec.cpu] = rec.ts;
		if (nrecs == ORDER_WINDOW)
			nrecs = take_older_half(dec, recs, nrecs, fn, data);
		if (nrecs == cap) {
			cap = cap ? 2 * cap : 1024;
			recs = xrealloc(recs, cap * sizeof(*recs));
		}
		recs[nrecs++] = (struct ordered_rec){ .rec = rec, .seq = seq++ };
	}
	take_window(dec, recs, nrecs, fn, data);
	free(recs);
	free(last_ts);
	holding = false;
	deliver_held(dec, fn, data);
	if (d.errors)
		ddv_warn("log: %" PRIu64 " bytes that are no records skipped (%" PRIu64
			 " stretches)", (uint64_t)d.skipped_bytes, (uint64_t)d.errors);
	return d.errors ? -EPROTO : 0;
}

/* Decodes a whole record stream. */
int decode_stream(struct decoder *dec, const void *buf, size_t len, event_fn fn, void *data)
{
	int err = decode_chunk(dec, buf, len, fn, data);

	decode_flush(dec, fn, data);
	return err;
}
