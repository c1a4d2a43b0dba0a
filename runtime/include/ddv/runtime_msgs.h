/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * runtime_msgs.h: the messages of the ddv runtime itself (pack id 0), as one
 * X-macro list, so that ddv.ko (which writes them) and the ddv command (which
 * decodes them) can never disagree.
 *
 * Usage: define DDV_RT_MSG(name, rule_id, severity, text, nargs, ...arg names)
 * and include this file; it undefines nothing, so define it afresh each time.
 * Message index 0 is reserved ("no message"), as in every pack: the list starts
 * at 1 through DDV_RT_MSG_NONE_ placed first.
 *
 * severity is one of ERROR, WARNING, NOTE (the catalog's error, warning, note).
 * Arguments are the u64 arguments of the record, in order; text names them in
 * {braces}. Argument conventions the decoder relies on:
 *   dut     driver-under-test id (DDV_OP_TARGET's out[0])
 *   site    site id of that driver's site table, or ~0 when the call site is unknown
 *   func    global function id (DDV_OP_LIST_FUNCS)
 *   type    global type id; key: the object's key
 *   errno   a positive errno value
 *   reason  enum ddv_refuse_reason below (site-refused), enum inject_reason (fault-injected)
 *
 * Records that belong together are written by one CPU with interrupts off, in
 * one piece, so nothing comes between them in that CPU's stream: a pack's
 * record (a rule's violation, a leak, a traced call) is followed by one
 * ddv.at record naming the driver, the call site and the function (for a
 * leak: the allocation site), then by 0-2 ddv.stack records (when a stack was
 * taken: a violation, an injected fault, DDV_TRACE_STACK). A ddv.fault-injected
 * record is followed by ddv.at and ddv.stack likewise.
 */

#ifdef DDV_RT_MSG
/* The core's messages first, in the order of enum ddv_rtmsg (ddv/logrec.h). */
DDV_RT_MSG(NONE_, "ddv.none", NOTE, "", 0)
DDV_RT_MSG(STORE_FULL, "ddv.store-full", ERROR,
	   "object store full: object {key} of type {type} not tracked ({drops} dropped so "
	   "far); findings about that type are incomplete",
	   3, "type", "key", "drops")
DDV_RT_MSG(INDEX_FULL, "ddv.index-full", WARNING,
	   "contained object {key} of type {type} not indexed: frees of blocks around it are "
	   "not checked",
	   2, "type", "key")
DDV_RT_MSG(FAULT_INJECTED, "ddv.fault-injected", NOTE,
	   "fault injected into {func} at site {site}: returns {value} (reason {reason})",
	   4, "func", "site", "value", "reason")
DDV_RT_MSG(LOCK_DELAYED, "ddv.lock-delayed", NOTE,
	   "{func} at site {site} delayed by {ns} ns",
	   3, "func", "site", "ns")
/* The kernel side's own. */
DDV_RT_MSG(AT, "ddv.at", NOTE,
	   "in driver {dut} at site {site}, call to {func}",
	   3, "dut", "site", "func")
DDV_RT_MSG(STACK, "ddv.stack", NOTE,
	   "stack: {a0} {a1} {a2} {a3} {a4} {a5}",
	   6, "a0", "a1", "a2", "a3", "a4", "a5")
DDV_RT_MSG(TRACE_RETURN, "ddv.trace-return", NOTE,
	   "{func} returned {ret} after {ns} ns",
	   3, "func", "ret", "ns")
DDV_RT_MSG(DRIVER_ARMED, "ddv.driver-armed", NOTE,
	   "armed for driver {dut}: {nsites} call sites to redirect when it loads",
	   2, "dut", "nsites")
DDV_RT_MSG(DRIVER_COMING, "ddv.driver-coming", NOTE,
	   "driver {dut} is loading: {patched} call sites redirected, {refused} refused",
	   3, "dut", "patched", "refused")
DDV_RT_MSG(DRIVER_LIVE, "ddv.driver-live", NOTE,
	   "driver {dut} initialised",
	   1, "dut")
DDV_RT_MSG(INIT_FAILED, "ddv.init-failed", NOTE,
	   "driver {dut} failed its init: leak check of what it still owns follows",
	   1, "dut")
DDV_RT_MSG(DRIVER_GOING, "ddv.driver-going", NOTE,
	   "driver {dut} unloaded: {leaks} leaked objects, {calls} calls seen",
	   3, "dut", "leaks", "calls")
DDV_RT_MSG(ATTACHED, "ddv.attached", NOTE,
	   "attached to loaded driver {dut}: {patched} call sites redirected, {refused} refused",
	   3, "dut", "patched", "refused")
DDV_RT_MSG(DETACHED, "ddv.detached", NOTE,
	   "detached from driver {dut}: {restored} call sites restored",
	   2, "dut", "restored")
DDV_RT_MSG(SITE_REFUSED, "ddv.site-refused", WARNING,
	   "call site {site} of driver {dut} left alone: {reason} (found {found})",
	   4, "dut", "site", "reason", "found")
DDV_RT_MSG(HANG, "ddv.hang", ERROR,
	   "driver {dut} has been loading for {seconds} s; last fault injected into {func} at "
	   "site {site}",
	   4, "dut", "seconds", "func", "site")
DDV_RT_MSG(SCOPE_BEGIN, "ddv.scope-begin", NOTE,
	   "leak scope {scope} of driver {dut} begins",
	   2, "dut", "scope")
DDV_RT_MSG(SCOPE_END, "ddv.scope-end", NOTE,
	   "leak scope {scope} of driver {dut} ends: {leaks} objects created in it are still "
	   "live (reported above)",
	   3, "dut", "scope", "leaks")
DDV_RT_MSG(LEAK_UNKNOWN_TYPE, "ddv.leak-unknown-type", WARNING,
	   "object {key} of type {type} owned by driver {dut} at unload, but its pack is gone",
	   3, "dut", "type", "key")
DDV_RT_MSG(SCOPE_UNBALANCED, "ddv.scope-unbalanced", NOTE,
	   "a rule's leak scope of driver {dut} ends at site {site} with {excess} more objects "
	   "of type {type} than it began with: {named} made in it are still live (reported "
	   "above)",
	   6, "dut", "site", "func", "type", "excess", "named")
DDV_RT_MSG(SCOPE_REFUSED, "ddv.scope-refused", WARNING,
	   "a rule's leak scope begun at site {site} of driver {dut} not opened: {open} scopes "
	   "are open already ({refused} refused so far); its end is not checked",
	   5, "dut", "site", "func", "open", "refused")
DDV_RT_MSG(CALLER_SET, "ddv.caller-set", NOTE,
	   "the injection plan's caller filter is set as driver {dut} loads: {size} bytes at "
	   "{addr}",
	   3, "dut", "addr", "size")
DDV_RT_MSG(CALLER_UNKNOWN, "ddv.caller-unknown", WARNING,
	   "driver {dut} refused: the injection plan's caller filter names a function it does "
	   "not have (the kernel log names it)",
	   1, "dut")
DDV_RT_MSG(STACK_ID, "ddv.stack-id", NOTE,
	   "fallible call of {func} at site {site}: stack identity {id}",
	   3, "func", "site", "id")
DDV_RT_MSG(TRIGGER_FIRED, "ddv.trigger-fired", NOTE,
	   "trigger {trigger} fired on the call of {func} at site {site}: {action} {target} "
	   "{amount}",
	   6, "trigger", "func", "site", "action", "target", "amount")
#endif /* DDV_RT_MSG */

#ifndef DDV_RUNTIME_MSGS_H
#define DDV_RUNTIME_MSGS_H

/* Why a call site was left alone (the reason argument of ddv.site-refused). */
enum ddv_refuse_reason {
	DDV_REFUSE_NO_FUNC = 1,		/* no registered pack probes the called symbol */
	DDV_REFUSE_NO_SYMBOL,		/* the containing function is not in the module's symbols */
	DDV_REFUSE_OUTSIDE,		/* the address is outside the module's text */
	DDV_REFUSE_OPCODE,		/* not the call/jmp/jcc the relocation said */
	DDV_REFUSE_TARGET,		/* the instruction calls another target (found: it) */
	DDV_REFUSE_RANGE,		/* the wrapper is out of rel32 reach */
	DDV_REFUSE_INIT_GONE,		/* .init.text site on attach: init text is freed */
};

#endif /* DDV_RUNTIME_MSGS_H */
