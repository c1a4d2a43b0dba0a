/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * uapi.h: the control interface of /dev/ddv, shared by ddv.ko and the ddv command.
 *
 * Control is an ioctl carrying an opcode and up to ten 64-bit arguments (the
 * paper's UserPoke); strings and arrays are passed as user pointers with their
 * lengths. read() drains binary log records (format: ddv/logrec.h); poll() says
 * when records wait. Root only (CAP_SYS_ADMIN).
 */
#ifndef DDV_UAPI_H
#define DDV_UAPI_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define DDV_DEVICE "/dev/ddv"
#define DDV_UAPI_VERSION 4

struct ddv_cmd {
	__u32 op;		/* enum ddv_op */
	__u32 nargs;
	__u64 arg[10];
	__u64 out[4];		/* results, per op */
};

#define DDV_IOC_CMD _IOWR('D', 0x01, struct ddv_cmd)

/*
 * A call site in the driver's .ko, found from its relocations by the ddv
 * command: the site lies at func+offset, where func is a symbol of the
 * module (resolved through the module's own symbol table when it arrives).
 */
struct ddv_site {
	__u32 id;		/* index in the site table; named in log records */
	__u32 func_name;	/* offset of the containing function's name in the string blob */
	__u32 func_offset;	/* offset of the instruction's first byte in that function */
	__u32 api_name;		/* offset of the called exported symbol's name in the string blob */
	__u8 opcode;		/* 0xe8 call, 0xe9 jmp, 0x0f jcc (then 0x8x follows) */
	__u8 init;		/* in .init.text: patched at load only, never on attach */
	__u8 member;		/* the family member whose .ko holds it: 0 the driver, k the
				 * k-th name of TARGET's members */
	__u8 flags;		/* DDV_SITE_* */
};

/*
 * A call never failed (ddv load --exclude): no mode of DDV_OP_INJECT fails,
 * delays or counts it, so "the Nth fallible call" is the Nth of the others.
 */
#define DDV_SITE_NO_FAULT 0x01

/*
 * A driver family: the driver and up to this many modules less one (ddv load
 * --with, or its dependencies' closure). Debian 6.1's largest closure is 25
 * modules (snd-sof-pci-intel-*; amdgpu and nouveau 12, btusb 11): 32 takes
 * every one. A member slot costs 128 bytes in each of ddv.ko's 8 driver slots
 * (1 KiB), used or not; a call scans only its own family's members' ranges.
 */
#define DDV_MAX_MEMBERS 32

enum ddv_op {
	DDV_OP_VERSION,		/* out[0] = DDV_UAPI_VERSION, out[1] = DDV_ABI_VERSION */
	DDV_OP_TARGET,		/* arg: name ptr, name len, sites ptr, nsites, strings ptr,
				 * strings len[, members ptr, members len]: arms the runtime
				 * for a driver about to be loaded; out[0] = dut id. -EEXIST:
				 * the driver (or a member) is loaded already (attach it).
				 * members: the family's other modules, names each ending
				 * in NUL, armed with the driver: one driver under test */
	DDV_OP_ATTACH,		/* arg: same as TARGET, for a driver already loaded: patches
				 * live; out[0] = dut id, out[1] sites patched, out[2] refused
				 * (logged one by one as ddv.site-refused), out[3] init-text
				 * sites skipped */
	DDV_OP_DETACH,		/* arg: dut id: restores the sites, drains in-flight calls */
	DDV_OP_STATUS,		/* arg: dut id (0: runtime-wide), buf ptr, buf len: fills
				 * struct ddv_status */
	DDV_OP_LIST_PACKS,	/* arg: buf ptr, buf len: "id name version\n" lines;
				 * out[0] = length */
	DDV_OP_LIST_FUNCS,	/* arg: buf ptr, buf len: "id pack symbol api class nfail\n"
				 * lines, of the functions this kernel has; out[0] =
				 * length. class: none, generic, alloc, trylock, lock
				 * (enum ddv_fault_class); nfail: failure values. The
				 * runtime may fail a call when nfail > 0 and class is
				 * generic, alloc or trylock, and delay one of class lock.
				 * Readers take the first four words and the rest when
				 * present. */
	DDV_OP_SET_TRACE,	/* arg: func id (~0: all), level (enum ddv_trace_level) */
	DDV_OP_SET_FUNC_OFF,	/* arg: func id, off (1) / on (0) */
	DDV_OP_INJECT,		/* arg: enum ddv_inject_mode, then mode arguments (below) */
	DDV_OP_LEAK_CHECK,	/* arg: dut id: reports every live object the driver owns now */
	DDV_OP_SCOPE,		/* arg: begin (1) / end (0), dut id: a leak scope between two
				 * points. begin: out[0] = scope id (logged as ddv.scope-begin);
				 * end: every object created since begin and still live is
				 * reported as a leak, then ddv.scope-end; out[0] = leaks */
	DDV_OP_RULE_OFF,	/* arg: pack id, message index, off (1) / on (0) */
	DDV_OP_PACK_CATALOG,	/* arg: pack id, buf ptr, buf len: the pack's catalog text (the
				 * names of its rules, functions and types, as ddvc wrote them
				 * into the pack module); out[0] = its whole length (copies at
				 * most buf len bytes). -ENOENT: no such pack, or the pack
				 * carries no catalog */
	DDV_OP_COUNT
};

/* DDV_OP_INJECT: arg[0] is the mode, the mode's arguments follow from arg[1]. */
enum ddv_inject_mode {
	DDV_INJECT_OFF,		/* no args: disarm every mode, per-function ones included */
	DDV_INJECT_NTH_FUNC,	/* func id, n: fail the nth call of func from now (1 = the next) */
	DDV_INJECT_NTH_ANY,	/* n: fail the nth fallible call of any function from now */
	DDV_INJECT_RANDOM,	/* func id (~0: every fallible function), ppm (1000000 = always),
				 * consecutive: after a random failure the next K calls fail too */
	DDV_INJECT_PLAN,	/* ptr, len: struct ddv_inject_plan, the whole-driver plan;
				 * optionally then name ptr, name len: the caller filter by
				 * name, "MODULE:FUNC" without a NUL (caller_lo and caller_hi
				 * must be 0). FUNC is looked up in MODULE's own symbol table:
				 * now when MODULE is loaded (-ENOENT: no such function), else
				 * when it arrives, before its init runs, and again at each
				 * load; until then, and once it goes, no call passes the
				 * filter. A driver under test without FUNC is refused at its
				 * load (-ENOENT, logged as ddv.caller-unknown). */
	DDV_INJECT_STACK,	/* id[, n]: fail the nth (default 1) fallible call whose stack
				 * identity is id, once (the systematic campaign); id 0: fail
				 * nothing, log each
				 * fallible call's identity (ddv.stack-id). The identity: the
				 * call's frames from the driver's up to the one that called
				 * into the driver, as offsets into the driver's text and
				 * symbol+offset elsewhere, so another load of the same .ko
				 * or another boot of the same kernel gives it again */
	DDV_INJECT_TRIGGER,	/* func, nth, arg << 8 | cmp, value, phase, action, target,
				 * amount: a trigger (core/trigger_table.h; at most 16, cleared by
				 * OFF): the nth call of func by the driver (from 1) whose
				 * argument arg (1..6; 0 with cmp 0: any call) compares with
				 * value (cmp: enum ddv_trigger_cmp), in phase (0 any, 1 its
				 * init, 2 live, 3 its exit), fires action once
				 * (enum ddv_trigger_action), logged as ddv.trigger-fired;
				 * out[0] = its number. -ENOSPC: 16 set already */
	DDV_INJECT_COUNT
};

/* DDV_INJECT_TRIGGER: argument comparisons (core/trigger_table.h enum trigger_cmp). */
enum ddv_trigger_cmp {
	DDV_TRIGGER_ANY, DDV_TRIGGER_EQ, DDV_TRIGGER_NE, DDV_TRIGGER_LT, DDV_TRIGGER_LE,
	DDV_TRIGGER_GT, DDV_TRIGGER_GE,
	DDV_TRIGGER_AND,	/* arg & value != 0 */
};

/* DDV_INJECT_TRIGGER: actions (core/trigger_table.h enum trigger_action). */
enum ddv_trigger_action {
	DDV_TRIGGER_FAIL = 1,	/* fail the next amount (1..1000) calls of function target */
	DDV_TRIGGER_DELAY,	/* wait amount us (1..1000000) before the call (atomic: spin
				 * at most 1000 us) */
	DDV_TRIGGER_RUN,	/* nothing in the kernel: the record asks the ddv command to
				 * run its command number amount */
};

/*
 * The whole-driver plan (DDV_INJECT_PLAN); 0 means off; rates in parts per million (at
 * most 1000000), lock_delay_max_ns at most 1 s: -EINVAL past either.
 */
struct ddv_inject_plan {
	__u64 rate_ppm;		/* every fallible function without a rate of its own */
	__u64 consecutive;
	__u64 nth_any;
	__u64 mem_rate_ppm;	/* allocations, by chance */
	__u64 mem_size_min;	/* fail every allocation of at least this many bytes */
	__u64 mem_budget;	/* fail an allocation beyond this many live bytes */
	__u64 mem_contig_rate_ppm;
	__u64 mem_contig_min;
	__u64 trylock_rate_ppm;
	__u64 lock_delay_rate_ppm;
	__u64 lock_delay_max_ns;
	__u64 phase;		/* 0 any, 1 only during init, 2 only after init */
	__u64 caller_lo;	/* only calls returning into [caller_lo, caller_hi); */
	__u64 caller_hi;	/* 0: any caller (or the filter by name, above) */
	__u64 task;		/* only this pid; 0 any */
	__u64 start_delay_ns;
};

enum ddv_trace_level {
	DDV_TRACE_OFF,		/* rules only */
	DDV_TRACE_ON_VIOLATION,	/* log the call only when a rule fires on it */
	DDV_TRACE_CALLS,	/* log every call: arguments, return value, times, CPU */
	DDV_TRACE_STACK,	/* and the stack */
};

/* Counters that must never be silent. */
struct ddv_status {
	__u64 calls;
	__u64 violations;
	__u64 injected;
	__u64 store_live;	/* of a driver (id): the objects it holds */
	__u64 store_capacity;
	__u64 store_drops;	/* creates refused because the store was full */
	__u64 log_drops;	/* records lost because a ring was full */
	__u64 sites_patched;
	__u64 sites_refused;	/* sites that failed verification and were left alone */
	/* Rules not reported: a driver attached live made a call on an object it made before. */
	__u64 unknown_before_attach;
};

#endif /* DDV_UAPI_H */
