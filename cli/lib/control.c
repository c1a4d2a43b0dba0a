/* control.c: the /dev/ddv control ioctl and the runtime's pack and function tables. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "runtime.h"
#include "util.h"

static const char *const op_names[DDV_OP_COUNT] = {
	[DDV_OP_VERSION] = "version",
	[DDV_OP_TARGET] = "target",
	[DDV_OP_ATTACH] = "attach",
	[DDV_OP_DETACH] = "detach",
	[DDV_OP_STATUS] = "status",
	[DDV_OP_LIST_PACKS] = "list packs",
	[DDV_OP_LIST_FUNCS] = "list functions",
	[DDV_OP_SET_TRACE] = "set trace",
	[DDV_OP_SET_FUNC_OFF] = "switch function",
	[DDV_OP_INJECT] = "inject",
	[DDV_OP_LEAK_CHECK] = "leak check",
	[DDV_OP_SCOPE] = "scope",
	[DDV_OP_RULE_OFF] = "switch rule",
	[DDV_OP_PACK_CATALOG] = "pack catalog",
};

const char *ctl_op_name(unsigned int op)
{
	return op < DDV_OP_COUNT && op_names[op] ? op_names[op] : "unknown operation";
}

/* Opens the control device; says what to do when ddv.ko is not loaded. */
int ctl_open(void)
{
	const char *dev = getenv("DDV_DEVICE");
	int fd;

	if (!dev || !*dev)
		dev = DDV_DEVICE;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (err == ENOENT)
			ddv_error(err, "%s (is the runtime loaded? run 'ddv start')", dev);
		else if (err == EACCES || err == EPERM)
			ddv_error(err, "%s: the runtime's control is for root (CAP_SYS_ADMIN)", dev);
		else
			ddv_error(err, "%s", dev);
		return -err;
	}
	return fd;
}

/* One command; out (4 values) may be NULL. Returns 0 or -errno, printing nothing. */
int ctl_call(int fd, unsigned int op, unsigned int nargs, const uint64_t *args, uint64_t *out)
{
	struct ddv_cmd cmd = { .op = op, .nargs = nargs };

	if (nargs > sizeof(cmd.arg) / sizeof(cmd.arg[0]))
		return -E2BIG;
	for (unsigned int i = 0; i < nargs; i++)
		cmd.arg[i] = args[i];
	while (ioctl(fd, DDV_IOC_CMD, &cmd) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (out)
		memcpy(out, cmd.out, sizeof(cmd.out));
	return 0;
}

/*
 * LIST_PACKS / LIST_FUNCS into a NUL-terminated string. The runtime truncates
 * at the buffer's end, so a full buffer is tried again twice as large.
 */
int ctl_list(int fd, unsigned int op, char **text)
{
	size_t len = 1 << 16;

	for (;;) {
		char *buf = xmalloc(len + 1);
		uint64_t args[2] = { (uintptr_t)buf, len }, out[4] = { 0 };
		int err = ctl_call(fd, op, 2, args, out);

		if (err) {
			free(buf);
			return err;
		}
		if (out[0] < len - 256 || len >= (1u << 26)) {
			buf[out[0] < len ? out[0] : len] = '\0';
			*text = buf;
			return 0;
		}
		free(buf);
		len *= 2;
	}
}

/* The catalog text pack carries (DDV_OP_PACK_CATALOG); -ENOENT when it carries none. */
int ctl_catalog(int fd, unsigned int pack, char **text)
{
	size_t len = 1 << 16;

	for (;;) {
		char *buf = xmalloc(len + 1);
		uint64_t args[3] = { pack, (uintptr_t)buf, len }, out[4] = { 0 };
		int err = ctl_call(fd, DDV_OP_PACK_CATALOG, 3, args, out);

		if (err) {
			free(buf);
			return err;
		}
		if (out[0] <= len) {
			buf[out[0]] = '\0';
			*text = buf;
			return 0;
		}
		free(buf);
		if (out[0] > (1u << 26))
			return -EFBIG;
		len = out[0];
	}
}

static char *take_word(char **p)
{
	char *start = *p + strspn(*p, " \t"), *end;

	if (!*start || *start == '\n')
		return NULL;
	end = start + strcspn(start, " \t\n");
	*p = end;
	return xstrndup(start, end - start);
}

/* Parses "id name version" and "id pack symbol api [class nfail]" lines. */
int rt_tables_parse(struct rt_tables *rt, const char *packs_text, const char *funcs_text)
{
	const char *line;

	memset(rt, 0, sizeof(*rt));
	for (line = packs_text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char *p = (char *)line, *id = take_word(&p), *name = take_word(&p);
		char *version = take_word(&p);

		if (id && name) {
			rt->packs = xrealloc(rt->packs, (rt->npacks + 1) * sizeof(*rt->packs));
			rt->packs[rt->npacks++] = (struct rt_pack){
				.id = strtoul(id, NULL, 10), .name = name,
				.version = version ? version : xstrdup("-"),
			};
			name = version = NULL;
		}
		free(id);
		free(name);
		free(version);
	}
	for (line = funcs_text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char *p = (char *)line, *id = take_word(&p), *pack = take_word(&p);
		char *symbol = take_word(&p), *api = take_word(&p);
		char *cls = take_word(&p), *nfail = take_word(&p), *end = NULL;
		long failures = nfail ? strtol(nfail, &end, 10) : -1;

		/* A malformed class or count is as good as none: fallibility unknown. */
		if (!cls || !nfail || *end || failures < 0) {
			free(cls);
			cls = NULL;
			failures = -1;
		}
		if (id && pack && symbol) {
			rt->funcs = xrealloc(rt->funcs, (rt->nfuncs + 1) * sizeof(*rt->funcs));
			rt->funcs[rt->nfuncs++] = (struct rt_func){
				.id = strtoul(id, NULL, 10), .pack = pack, .symbol = symbol,
				.api = api ? api : xstrdup(symbol),
				.fault_class = cls, .nfail = (int)failures,
			};
			pack = symbol = api = cls = NULL;
		}
		free(id);
		free(pack);
		free(symbol);
		free(api);
		free(cls);
		free(nfail);
	}
	return 0;
}

const struct rt_pack *rt_pack_by_id(const struct rt_tables *rt, unsigned int id)
{
	for (unsigned int i = 0; i < rt->npacks; i++)
		if (rt->packs[i].id == id)
			return &rt->packs[i];
	return NULL;
}

const struct rt_func *rt_func_by_id(const struct rt_tables *rt, unsigned int id)
{
	for (unsigned int i = 0; i < rt->nfuncs; i++)
		if (rt->funcs[i].id == id)
			return &rt->funcs[i];
	return NULL;
}

/*
 * Whether the runtime may fail a call of f: 1 or 0 from its fault class and
 * failure count (the rule of inject_decide in runtime/core/inject.c), -1 when
 * its line gave none well formed or named a class unknown here.
 */
int rt_func_fallible(const struct rt_func *f)
{
	static const char *const failing[] = { "generic", "alloc", "trylock" };
	static const char *const never[] = { "none", "lock" };

	if (!f->fault_class || f->nfail < 0)
		return -1;
	for (size_t i = 0; i < sizeof(failing) / sizeof(failing[0]); i++)
		if (!strcmp(f->fault_class, failing[i]))
			return f->nfail > 0;
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (!strcmp(f->fault_class, never[i]))
			return 0;
	return -1;
}

void rt_tables_free(struct rt_tables *rt)
{
	for (unsigned int i = 0; i < rt->npacks; i++) {
		free(rt->packs[i].name);
		free(rt->packs[i].version);
	}
	for (unsigned int i = 0; i < rt->nfuncs; i++) {
		free(rt->funcs[i].pack);
		free(rt->funcs[i].symbol);
		free(rt->funcs[i].api);
		free(rt->funcs[i].fault_class);
	}
	free(rt->packs);
	free(rt->funcs);
	memset(rt, 0, sizeof(*rt));
}
