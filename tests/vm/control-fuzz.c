/*
 * control-fuzz.c: a hostile user of /dev/ddv, run in the guest by tests/vm/control-fuzz.sh.
 *
 * Sends random and mutated commands (runtime/include/ddv/uapi.h): every opcode with
 * arguments taken from a valid command and then changed, unknown opcodes, too many or too
 * few arguments, pointers to nothing, to a guard page, to kernel memory; other ioctl
 * requests, reads of every size into good and bad buffers, writes. Seeded: the same seed
 * sends the same commands (the answers it learns first - functions, packs, modules - are
 * the same in the same VM; one draw a statement, so that the compiler cannot reorder
 * them). Bounded by a count and a time.
 *
 * A command the interface must refuse by its contract (an unknown op, a pointer to
 * nothing where bytes must be copied, a value out of its documented range, an id of
 * nothing) is "bad": each must fail with an errno. Every answer is counted by errno.
 * Exit 1 when a bad command was accepted (each printed, to replay with its number),
 * 2 on a usage or setup error.
 *
 * usage: control-fuzz [--seed N] [--count N] [--seconds S] [--keep DUT] [--device PATH]
 *   --keep DUT: never detach that driver id (the driver under test stays under test)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <ddv/uapi.h>

#define MAX_DUTS 8		/* ddv/limits.h DDV_MAX_DUTS */
#define MAX_PACKS 16		/* ddv_internal.h */
#define MAX_FUNCS 4096
#define MAX_SITES 65536
#define MODULE_NAME_LEN 56	/* 64 - sizeof(unsigned long) */
#define NSEC_PER_SEC 1000000000ull

static uint64_t rng;
static int fd;
static unsigned int keep_dut;
static unsigned char *good;	/* GOOD_LEN bytes, read and write */
#define GOOD_LEN (1u << 16)
static unsigned char *edge;	/* the last 8 bytes before a PROT_NONE page */
static void *gone;		/* a page unmapped again */
static uint64_t funcs[MAX_FUNCS];	/* ids LIST_FUNCS gave */
static unsigned int nfuncs;
static uint64_t packs[MAX_PACKS];
static unsigned int npacks;
static char modules[32][MODULE_NAME_LEN];	/* loaded modules (/proc/modules) */
static unsigned int nmodules;

/* The arguments each op reads at least (uapi.h): fewer is refused. */
static const unsigned char min_args[DDV_OP_COUNT] = { 0, 6, 6, 1, 3, 2, 2, 2, 2, 1, 1, 2, 3, 3 };

/* Per errno, how many answers; [0]: accepted. */
static unsigned long answers[4096];
static unsigned long sent, bad_sent, bad_accepted;

static uint64_t next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static uint64_t below(uint64_t n)
{
	return n ? next() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* A value a careless or hostile caller passes. */
static uint64_t wild(void)
{
	static const uint64_t v[] = { 0, 1, 2, 3, 7, 8, 15, 16, 63, 64, 255, 4096, 65535, 65536,
				      1000000, 1000001, 0x7fffffff, 0x80000000, 0xffffffff,
				      0x100000000ull, 0x7fffffffffffffffull, ~0ull, ~0ull - 1 };

	uint64_t x;

	if (chance(70))
		return v[below(sizeof(v) / sizeof(v[0]))];
	x = next();
	return x >> below(64);	/* one draw a statement: C leaves the order of operands open */
}

/* Pointers: good, NULL, unmapped, 8 bytes before a guard page, kernel, wild (not user). */
enum ptr_kind { P_GOOD, P_NULL, P_GONE, P_EDGE, P_KERNEL, P_WILD };

static uint64_t pointer(enum ptr_kind k)
{
	switch (k) {
	case P_GOOD:
		return (uintptr_t)good;
	case P_NULL:
		return 0;
	case P_GONE:
		return (uintptr_t)gone;
	case P_EDGE:
		return (uintptr_t)edge;
	case P_KERNEL:
		return 0xffff888000000000ull + (below(1 << 20) << 12);
	default:
		return next() | 1ull << 63;
	}
}

/* A pointer to or from which len bytes cannot be copied (the guard page: more than 8). */
static bool faults(enum ptr_kind k, uint64_t len)
{
	return len && k != P_GOOD && (k != P_EDGE || len > 8);
}

static enum ptr_kind some_pointer(void)
{
	return chance(75) ? P_GOOD : (enum ptr_kind)(1 + below(5));
}

static bool func_known(uint64_t id)
{
	for (unsigned int i = 0; i < nfuncs; i++)
		if (funcs[i] == id)
			return true;
	return false;
}

static bool pack_known(uint64_t id)
{
	for (unsigned int i = 0; i < npacks; i++)
		if (packs[i] == id)
			return true;
	return false;
}

static uint64_t some_func(void)
{
	if (nfuncs && chance(80))
		return funcs[below(nfuncs)];
	return chance(50) ? ~0ull : wild();
}

static uint64_t some_pack(void)
{
	return npacks && chance(80) ? packs[below(npacks)] : wild();
}

static uint64_t some_dut(void)
{
	return chance(80) ? 1 + below(MAX_DUTS - 1) : wild();
}

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "accepted";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTTY: return "ENOTTY";
	case ERANGE: return "ERANGE";
	case E2BIG: return "E2BIG";
	case EOVERFLOW: return "EOVERFLOW";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	default: return NULL;
	}
}

/* Counts one answer; a bad command that was accepted is printed. */
static void judge(const char *what, long ret, int err, bool bad, const struct ddv_cmd *cmd)
{
	int e = ret < 0 ? err : 0;

	sent++;
	answers[e < 4096 ? e : 4095]++;
	if (!bad)
		return;
	bad_sent++;
	if (ret >= 0) {
		bad_accepted++;
		if (bad_accepted <= 20) {
			printf("BAD ACCEPTED #%lu %s", sent, what);
			if (cmd) {
				printf(" op=%u nargs=%u args=", cmd->op, cmd->nargs);
				for (unsigned int i = 0; i < 10; i++)
					printf("%s%#llx", i ? "," : "", (unsigned long long)cmd->arg[i]);
			}
			printf("\n");
		}
	}
}

static void send_cmd(struct ddv_cmd *cmd, bool bad)
{
	long ret = ioctl(fd, DDV_IOC_CMD, cmd);

	judge("ioctl", ret, errno, bad, cmd);
}

/* A site table and its strings in the good buffer; bad when the kernel must refuse it. */
static bool sites(struct ddv_cmd *cmd, uint64_t *nsites_out)
{
	struct ddv_site *s = (struct ddv_site *)(good + 4096);
	char *strings = (char *)good + 32768;
	uint64_t nsites = below(8), slen;
	bool bad = false;

	/* The module's functions are named as they are; the names need not be right. */
	slen = (uint64_t)snprintf(strings, 4096, "%s", "kmalloc_trace") + 1;
	slen += (uint64_t)snprintf(strings + slen, 4096, "%s", chance(50) ? "e1000_probe" :
				   "dummy_dev_init") + 1;
	for (uint64_t i = 0; i < nsites; i++) {
		s[i] = (struct ddv_site){ .id = i, .func_name = 14, .api_name = 0,
					  .func_offset = below(512), .opcode = 0xe8 };
		if (chance(15)) {
			switch (below(5)) {
			case 0:
				s[i].id = wild();
				bad |= s[i].id != i;
				break;
			case 1:
				s[i].func_name = wild();
				bad |= s[i].func_name >= slen;
				break;
			case 2:
				s[i].opcode = next();
				bad |= s[i].opcode != 0xe8 && s[i].opcode != 0xe9 && s[i].opcode != 0x0f;
				break;
			case 3:
				s[i].init = next();
				bad |= s[i].init > 1;
				break;
			default:
				s[i].func_offset = wild();
			}
		}
	}
	if (chance(5)) {
		strings[slen - 1] = 'x';	/* not NUL-terminated */
		bad = true;
	}
	cmd->arg[2] = (uintptr_t)s;
	cmd->arg[3] = nsites;
	cmd->arg[4] = (uintptr_t)strings;
	cmd->arg[5] = slen;
	*nsites_out = nsites;
	return bad;
}

/* TARGET or ATTACH: a name, then a site table. */
static bool target_cmd(struct ddv_cmd *cmd)
{
	char *name = (char *)good + 1024;
	uint64_t nsites, len;
	enum ptr_kind k;
	bool bad;

	if (nmodules && chance(60))
		snprintf(name, MODULE_NAME_LEN, "%s", modules[below(nmodules)]);
	else
		snprintf(name, MODULE_NAME_LEN, "fuzz%u", (unsigned int)below(1000));
	len = strlen(name);
	bad = sites(cmd, &nsites);
	cmd->arg[0] = (uintptr_t)name;
	cmd->arg[1] = len;
	/*
	 * Changed (a valid table only: a change can make a bad one good, a shorter count
	 * leaving its bad site out): bad only where the contract says it must be refused.
	 */
	if (!bad && chance(15)) {
		switch (below(6)) {
		case 0:
			/* Longer than the name reads past its NUL: refused as no such name. */
			cmd->arg[1] = wild();
			bad |= !cmd->arg[1] || cmd->arg[1] >= MODULE_NAME_LEN || cmd->arg[1] > len;
			break;
		case 1:
			k = (enum ptr_kind)(1 + below(5));
			cmd->arg[0] = pointer(k);
			bad |= faults(k, len);
			break;
		case 2:
			k = (enum ptr_kind)(1 + below(5));
			cmd->arg[2] = pointer(k);
			bad |= faults(k, nsites * sizeof(struct ddv_site));
			break;
		case 3:
			cmd->arg[3] = wild();
			bad |= cmd->arg[3] > MAX_SITES;
			break;
		case 4:
			k = (enum ptr_kind)(1 + below(5));
			cmd->arg[4] = pointer(k);
			bad |= faults(k, cmd->arg[5]);
			break;
		default:
			cmd->arg[5] = wild();
			bad |= cmd->arg[5] > (16u << 20) || (nsites && !cmd->arg[5]);
		}
	}
	return bad;
}

/* An inject plan in the good buffer; bad when a field is out of its range. */
static bool plan_cmd(struct ddv_cmd *cmd)
{
	struct ddv_inject_plan *p = (struct ddv_inject_plan *)(good + 8192);
	uint64_t v;
	bool bad = false;
	enum ptr_kind k;

	memset(p, 0, sizeof(*p));
	p->rate_ppm = below(2) ? below(1000) : 0;
	p->phase = below(3);
	p->task = 1;		/* init: the plan fails nobody's calls by chance */
	cmd->arg[1] = (uintptr_t)p;
	cmd->arg[2] = sizeof(*p);
	cmd->nargs = 3;
	if (chance(50)) {
		/* Any one field (memcpy: the plan's fields are read by name below). */
		size_t f = below(sizeof(*p) / 8);

		v = wild();
		memcpy((char *)p + f * 8, &v, 8);
	}
	bad |= p->phase > 2 || p->consecutive > 0xffffffffull;
	/* Rates are parts per million; a lock waits a second at most (ddv.yaml(5)). */
	bad |= p->rate_ppm > 1000000 || p->mem_rate_ppm > 1000000 ||
	       p->mem_contig_rate_ppm > 1000000 || p->trylock_rate_ppm > 1000000 ||
	       p->lock_delay_rate_ppm > 1000000 || p->lock_delay_max_ns > NSEC_PER_SEC;
	if (chance(10)) {
		k = (enum ptr_kind)(1 + below(5));
		cmd->arg[1] = pointer(k);
		bad |= faults(k, sizeof(*p));
	}
	if (chance(10)) {
		cmd->arg[2] = wild();
		bad |= cmd->arg[2] != sizeof(*p);
	}
	if (chance(20)) {
		/* The caller filter by name: "MODULE:FUNC". */
		char *name = (char *)good + 12288;

		cmd->nargs = 5;
		cmd->arg[3] = (uintptr_t)name;
		cmd->arg[4] = (uint64_t)snprintf(name, 64, "%s:%s", nmodules ? modules[0] : "m",
						 chance(50) ? "e1000_probe" : "nothing");
		bad |= (p->caller_lo || p->caller_hi) && cmd->arg[4];
		if (chance(20)) {
			k = (enum ptr_kind)(1 + below(5));
			cmd->arg[3] = pointer(k);
			bad |= faults(k, cmd->arg[4]);
		}
	}
	return bad;
}

static bool inject_cmd(struct ddv_cmd *cmd)
{
	uint64_t mode = chance(90) ? below(DDV_INJECT_COUNT) : wild();

	cmd->arg[0] = mode;
	switch (mode) {
	case DDV_INJECT_OFF:
		cmd->nargs = 1;
		return false;
	case DDV_INJECT_NTH_FUNC:
		cmd->nargs = chance(90) ? 3 : below(3);
		cmd->arg[1] = some_func();
		cmd->arg[2] = chance(80) ? 1 + below(1000) : wild();
		return cmd->nargs < 3 || !func_known(cmd->arg[1]);
	case DDV_INJECT_NTH_ANY:
		cmd->nargs = chance(90) ? 2 : 1;
		cmd->arg[1] = chance(80) ? 1000 + below(100000) : wild();
		return cmd->nargs < 2;
	case DDV_INJECT_RANDOM:
		cmd->nargs = chance(90) ? 4 : below(4);
		cmd->arg[1] = some_func();
		cmd->arg[2] = chance(80) ? below(100) : wild();
		cmd->arg[3] = chance(80) ? below(3) : wild();
		return cmd->nargs < 4 || cmd->arg[2] > 1000000 || cmd->arg[3] > 0xffffffffull ||
		       (cmd->arg[1] != ~0ull && !func_known(cmd->arg[1]));
	case DDV_INJECT_PLAN:
		return plan_cmd(cmd);
	case DDV_INJECT_STACK:
		/* Any identity (0: record only) and any n are taken; the identity must be there. */
		cmd->nargs = chance(90) ? 2 + below(2) : below(2);
		cmd->arg[1] = chance(50) ? 0 : wild();
		cmd->arg[2] = chance(80) ? 1 + below(3) : wild();
		return cmd->nargs < 2;
	default:
		cmd->nargs = 1 + below(10);
		return true;
	}
}

/* A command of op, valid then maybe changed; returns whether it is bad. */
static bool op_cmd(struct ddv_cmd *cmd, unsigned int op)
{
	enum ptr_kind k = some_pointer();
	uint64_t len = chance(80) ? 1 + below(GOOD_LEN) : wild();
	bool bad = false;

	cmd->op = op;
	cmd->nargs = min_args[op];
	switch (op) {
	case DDV_OP_TARGET:
	case DDV_OP_ATTACH:
		bad = target_cmd(cmd);
		break;
	case DDV_OP_DETACH:
	case DDV_OP_LEAK_CHECK:
		cmd->arg[0] = some_dut();
		if (op == DDV_OP_DETACH && cmd->arg[0] == keep_dut)
			cmd->arg[0] = 0;
		bad = !cmd->arg[0] || cmd->arg[0] >= MAX_DUTS;
		break;
	case DDV_OP_STATUS:
		cmd->arg[0] = chance(30) ? 0 : some_dut();
		cmd->arg[1] = pointer(k);
		cmd->arg[2] = chance(80) ? sizeof(struct ddv_status) : len;
		if (k == P_GOOD && cmd->arg[2] > GOOD_LEN)
			cmd->arg[2] = GOOD_LEN;
		/* It copies at most the struct. */
		bad = cmd->arg[0] >= MAX_DUTS ||
		      faults(k, cmd->arg[2] < sizeof(struct ddv_status) ? cmd->arg[2] :
			     sizeof(struct ddv_status));
		break;
	case DDV_OP_LIST_PACKS:
	case DDV_OP_LIST_FUNCS:
		cmd->arg[0] = pointer(k);
		cmd->arg[1] = k == P_GOOD && len > GOOD_LEN ? GOOD_LEN : len;
		/* The listing (more than 64 bytes with a pack loaded) is copied, up to len - 1. */
		bad = !cmd->arg[1] || (k != P_GOOD && cmd->arg[1] > 64);
		break;
	case DDV_OP_SET_TRACE:
	case DDV_OP_SET_FUNC_OFF:
		cmd->arg[0] = some_func();
		cmd->arg[1] = chance(85) ? below(op == DDV_OP_SET_TRACE ? 4 : 2) : wild();
		bad = cmd->arg[1] > (op == DDV_OP_SET_TRACE ? 3u : 1u) ||
		      (cmd->arg[0] != ~0ull && !func_known(cmd->arg[0]));
		break;
	case DDV_OP_INJECT:
		bad = inject_cmd(cmd);
		break;
	case DDV_OP_SCOPE:
		cmd->arg[0] = chance(85) ? below(2) : wild();
		cmd->arg[1] = some_dut();
		bad = cmd->arg[0] > 1 || !cmd->arg[1] || cmd->arg[1] >= MAX_DUTS;
		break;
	case DDV_OP_RULE_OFF:
		cmd->arg[0] = some_pack();
		cmd->arg[1] = chance(80) ? 1 + below(64) : wild();
		cmd->arg[2] = chance(85) ? below(2) : wild();
		bad = !pack_known(cmd->arg[0]) || !cmd->arg[1] || cmd->arg[1] > 65535 ||
		      cmd->arg[2] > 1;
		break;
	case DDV_OP_PACK_CATALOG:
		cmd->arg[0] = some_pack();
		cmd->arg[1] = pointer(k);
		cmd->arg[2] = k == P_GOOD && len > GOOD_LEN ? GOOD_LEN : len;
		/* The catalog is longer than 64 bytes: that many are copied. */
		bad = !pack_known(cmd->arg[0]) || (k != P_GOOD && cmd->arg[2] > 64);
		break;
	default:
		break;
	}
	/*
	 * Fewer arguments than the op reads. Only a good command is cut: cutting a bad
	 * one may drop what made it bad (a caller filter by name beside one by address).
	 */
	if (!bad && chance(3) && cmd->nargs) {
		cmd->nargs = below(cmd->nargs);
		bad |= cmd->nargs < min_args[op];
	}
	return bad;
}

static void one(void)
{
	struct ddv_cmd *cmd = (struct ddv_cmd *)(good + 16384);
	unsigned int kind = below(100);
	enum ptr_kind k;
	long ret;

	memset(cmd, 0, sizeof(*cmd));
	if (kind < 65) {
		bool bad = op_cmd(cmd, below(DDV_OP_COUNT));

		send_cmd(cmd, bad);
	} else if (kind < 75) {
		/* Anything: an op of any number, any count of any arguments. */
		cmd->op = chance(50) ? below(DDV_OP_COUNT + 4) : wild();
		cmd->nargs = chance(80) ? below(12) : wild();
		for (unsigned int i = 0; i < 10; i++)
			cmd->arg[i] = chance(50) ? wild() : pointer(some_pointer());
		if (cmd->op == DDV_OP_DETACH && cmd->arg[0] == keep_dut)
			cmd->arg[0] = 0;
		/* A known op with its arguments may pass, whatever they are. */
		send_cmd(cmd, cmd->op >= DDV_OP_COUNT || cmd->nargs > 10 ||
			 cmd->nargs < min_args[cmd->op]);
	} else if (kind < 80) {
		/*
		 * Another request: the command's with other sizes, numbers or directions,
		 * or of other types. Not those the VFS answers for every file before the
		 * driver sees them (FIONBIO, FIOCLEX... type 'T'; FIGETBSZ, type 0; 'X'
		 * and 0x94: FIFREEZE, FICLONE; 'f': FS_IOC_*): they are no command of ddv.
		 */
		static const unsigned char types[] = { 'D', 'D', 'E', 'Z', 0x99 };
		unsigned long dir = below(4), type = types[below(sizeof(types))], nr = below(8);
		unsigned long size = chance(50) ? sizeof(struct ddv_cmd) : below(1 << 14);
		unsigned long req = _IOC(dir, type, nr, size);

		if (req == DDV_IOC_CMD)
			req++;
		ret = ioctl(fd, req, good);
		judge("ioctl request", ret, errno, true, NULL);
	} else if (kind < 85) {
		/* The command itself where nothing can be read. */
		k = (enum ptr_kind)(1 + below(4));
		ret = ioctl(fd, DDV_IOC_CMD, (void *)(uintptr_t)pointer(k));
		judge("ioctl of a bad pointer", ret, errno, true, NULL);
	} else if (kind < 97) {
		/* read() drains records: sizes around a record's and a frame's. */
		static const size_t sizes[] = { 0, 1, 5, 6, 7, 64, 96, 4096, 65536 };
		size_t n = sizes[below(sizeof(sizes) / sizeof(sizes[0]))];

		k = chance(85) ? P_GOOD : (enum ptr_kind)(1 + below(4));
		ret = read(fd, (void *)(uintptr_t)pointer(k), n);
		judge("read", ret, errno, false, NULL);
	} else {
		ret = write(fd, good, below(128));
		judge("write", ret, errno, true, NULL);
	}
}

/* What the runtime has: function and pack ids, and the loaded modules' names. */
static void learn(void)
{
	struct ddv_cmd cmd = { .op = DDV_OP_LIST_FUNCS, .nargs = 2 };
	char *text = (char *)good, *line, *save = NULL;
	FILE *f;

	cmd.arg[0] = (uintptr_t)text;
	cmd.arg[1] = GOOD_LEN - 1;
	if (!ioctl(fd, DDV_IOC_CMD, &cmd)) {
		text[cmd.out[0]] = 0;
		for (line = strtok_r(text, "\n", &save); line && nfuncs < MAX_FUNCS;
		     line = strtok_r(NULL, "\n", &save))
			funcs[nfuncs++] = strtoull(line, NULL, 10);
	}
	cmd = (struct ddv_cmd){ .op = DDV_OP_LIST_PACKS, .nargs = 2 };
	cmd.arg[0] = (uintptr_t)text;
	cmd.arg[1] = GOOD_LEN - 1;
	save = NULL;
	if (!ioctl(fd, DDV_IOC_CMD, &cmd)) {
		text[cmd.out[0]] = 0;
		for (line = strtok_r(text, "\n", &save); line && npacks < MAX_PACKS;
		     line = strtok_r(NULL, "\n", &save))
			packs[npacks++] = strtoull(line, NULL, 10);
	}
	f = fopen("/proc/modules", "r");
	while (f && nmodules < 32 && fscanf(f, "%55s %*[^\n]", modules[nmodules]) == 1)
		nmodules++;
	if (f)
		fclose(f);
	printf("learned: %u functions, %u packs, %u modules\n", nfuncs, npacks, nmodules);
}

static void setup_memory(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *two;

	good = mmap(NULL, GOOD_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (good == MAP_FAILED || two == MAP_FAILED || gone == MAP_FAILED ||
	    mprotect(two + page, page, PROT_NONE) || munmap(gone, page)) {
		perror("control-fuzz: mmap");
		exit(2);
	}
	edge = two + page - 8;
}

/* Leaves the runtime as the fuzz found it, as far as commands can: nothing injected,
 * traced or off, no driver armed or attached but the kept one. */
static void restore(void)
{
	struct ddv_cmd cmd = { .op = DDV_OP_INJECT, .nargs = 1 };

	ioctl(fd, DDV_IOC_CMD, &cmd);
	cmd = (struct ddv_cmd){ .op = DDV_OP_SET_TRACE, .nargs = 2, .arg = { ~0ull, 0 } };
	ioctl(fd, DDV_IOC_CMD, &cmd);
	cmd = (struct ddv_cmd){ .op = DDV_OP_SET_FUNC_OFF, .nargs = 2, .arg = { ~0ull, 0 } };
	ioctl(fd, DDV_IOC_CMD, &cmd);
	for (unsigned int d = 1; d < MAX_DUTS; d++) {
		cmd = (struct ddv_cmd){ .op = DDV_OP_DETACH, .nargs = 1, .arg = { d } };
		if (d != keep_dut && !ioctl(fd, DDV_IOC_CMD, &cmd))
			printf("detached driver %u\n", d);
	}
}

static void summary(double seconds)
{
	printf("sent %lu commands in %.1f s: %lu accepted, %lu refused; %lu bad, %lu of them "
	       "accepted\n", sent, seconds, answers[0], sent - answers[0], bad_sent, bad_accepted);
	for (unsigned int e = 0; e < 4096; e++) {
		const char *name = errno_name(e);

		if (!answers[e])
			continue;
		if (name)
			printf("  %-9s %lu\n", name, answers[e]);
		else
			printf("  errno %u %lu\n", e, answers[e]);
	}
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "keep", required_argument, NULL, 'k' },
		{ "device", required_argument, NULL, 'd' },
		{ 0 }
	};
	unsigned long count = 100000, seconds = 60;
	const char *device = DDV_DEVICE;
	struct timespec t0, t;
	double elapsed = 0;
	int opt;

	rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': rng = strtoull(optarg, NULL, 0); break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 't': seconds = strtoul(optarg, NULL, 0); break;
		case 'k': keep_dut = strtoul(optarg, NULL, 0); break;
		case 'd': device = optarg; break;
		default:
			fprintf(stderr, "usage: control-fuzz [--seed N] [--count N] [--seconds S] "
				"[--keep DUT] [--device PATH]\n");
			return 2;
		}
	}
	if (!rng)
		rng = 1;	/* xorshift stays at 0 */
	printf("seed %llu\n", (unsigned long long)rng);
	fflush(stdout);
	fd = open(device, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror(device);
		return 2;
	}
	setup_memory();
	learn();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < count; i++) {
		one();
		if (i % 64 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			elapsed = (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
			if (elapsed >= seconds)
				break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	elapsed = (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
	restore();
	summary(elapsed);
	close(fd);
	return bad_accepted ? 1 : 0;
}
