// SPDX-License-Identifier: GPL-2.0
/*
 * rt_pack.c: a hand-written rule pack shaped like ddvc's output (abi.h), so the
 * runtime's tests do not depend on the compiler: heap allocation and free,
 * a leak message, one local check, call layouts for tracing.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/version.h>
#include <ddv/abi.h>

/*
 * The two allocators kmalloc() calls out to: one with a cache the compiler picked
 * (constant size), one for a size it cannot see. 6.10's allocation profiling renamed
 * them *_noprof; 6.11 turned kmalloc_trace into __kmalloc_cache (specs/linux/heap.ddv
 * says the same for the generated pack).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define RT_KMALLOC_CACHE __kmalloc_cache_noprof
#define RT_KMALLOC __kmalloc_noprof
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define RT_KMALLOC_CACHE kmalloc_trace_noprof
#define RT_KMALLOC __kmalloc_noprof
#else
#define RT_KMALLOC_CACHE kmalloc_trace
#define RT_KMALLOC __kmalloc
#endif
#define RT_CACHE_NAME __stringify(RT_KMALLOC_CACHE)
#define RT_KMALLOC_NAME __stringify(RT_KMALLOC)

enum { T_HEAP };
enum { M_NONE, M_LEAK, M_ZERO, M_CALL_KMALLOC_CACHE, M_CALL_KMALLOC, M_CALL_KFREE };
enum { F_KMALLOC_CACHE, F_KMALLOC, F_KFREE };

static struct ddv_pack rt_pack;

static bool bare;
module_param(bare, bool, 0644);
MODULE_PARM_DESC(bare, "wrappers only call the original (to measure the redirection alone)");

/*
 * The pack's names: its catalog, in the format ddvc writes (compiler/emit_catalog.c)
 * and in the module's catalog section, as a generated pack has it. Its positions
 * name this file's lines.
 */
#define RT_AT " rt_pack.c:" __stringify(__LINE__) ":1 "
static const char rt_catalog[] __attribute__((__section__(DDV_CATALOG_SECTION), __used__)) =
	"# ddv message catalog " __stringify(DDV_CATALOG_FORMAT) "\n"
	"pack rtpack 1\n"
	"type 0 heap fields=size states=-\n"
	"func 0 " RT_CACHE_NAME " kmalloc" RT_AT "args=cache,flags,size ret=ptr\n"
	"func 1 " RT_KMALLOC_NAME " kmalloc" RT_AT "args=size,flags ret=ptr\n"
	"func 2 kfree kfree" RT_AT "args=ptr ret=void\n"
	"msg 1 rt.leak error" RT_AT "args=ptr,size block {ptr} of {size} bytes never freed\n"
	"msg 2 rt.zero-size warning" RT_AT "args=size zero-size allocation\n"
	"msg 3 rt.call." RT_CACHE_NAME " note" RT_AT "args=cache,flags,size "
		RT_CACHE_NAME "({cache}, {flags}, {size})\n"
	"msg 4 rt.call." RT_KMALLOC_NAME " note" RT_AT "args=size,flags "
		RT_KMALLOC_NAME "({size}, {flags})\n"
	"msg 5 rt.call.kfree note" RT_AT "args=ptr kfree({ptr})\n";

static const struct ddv_type_desc rt_types[] = {
	[T_HEAP] = { .nfields = 1, .leak_msg = M_LEAK, .size_field = 0 },
};

/* Argument counts of each record (the names are in the catalog). */
static const struct ddv_msg_desc rt_msgs[] = {
	[M_NONE] = { 0 },
	[M_LEAK] = { 2 },
	[M_ZERO] = { 1 },
	[M_CALL_KMALLOC_CACHE] = { 3 },
	[M_CALL_KMALLOC] = { 2 },
	[M_CALL_KFREE] = { 1 },
};

static void *ddv_w_kmalloc_cache(struct kmem_cache *s, gfp_t flags, size_t size);
static void *ddv_w_kmalloc(size_t size, gfp_t flags);
static void ddv_w_kfree(const void *p);

static const s64 fail_null[] = { 0 };
static const struct ddv_func_desc rt_funcs[] = {
	[F_KMALLOC_CACHE] = { RT_CACHE_NAME, "kmalloc", ddv_w_kmalloc_cache, RT_KMALLOC_CACHE,
			      fail_null, M_CALL_KMALLOC_CACHE, 0, 3, 1, DDV_FAULT_ALLOC,
			      DDV_FUNC_RET_PTR },
	[F_KMALLOC] = { RT_KMALLOC_NAME, "kmalloc", ddv_w_kmalloc, RT_KMALLOC, fail_null,
			M_CALL_KMALLOC, 0, 2, 1, DDV_FAULT_ALLOC, DDV_FUNC_RET_PTR },
	[F_KFREE] = { "kfree", "kfree", ddv_w_kfree, kfree, NULL, M_CALL_KFREE, 0, 1, 0,
		      DDV_FAULT_NONE, 0 },
};

/* The shared body of the allocators: check, inject, call, track. */
static void heap_created(struct ddv_call *call, void *ret, size_t size)
{
	if (ret && !ZERO_OR_NULL_PTR(ret)) {
		u64 f[DDV_MAX_FIELDS] = { size };

		ddv_obj_create(call, T_HEAP, (u64)(unsigned long)ret, 0, f, NULL, 0, 1);
	}
}

static void *ddv_w_kmalloc_cache(struct kmem_cache *s, gfp_t flags, size_t size)
{
	u64 args[3] = { (u64)(unsigned long)s, (u64)flags, (u64)size };
	struct ddv_call call;
	void *ret;

	if (READ_ONCE(bare) ||
	    !ddv_call_enter(&call, &rt_pack, F_KMALLOC_CACHE, _RET_IP_, args, 3))
		return RT_KMALLOC_CACHE(s, flags, size);
	if (!size)
		ddv_violation(&call, M_ZERO, 1, (u64)size);
	if (ddv_should_fail(&call, size, DDV_CONTIG)) {
		ret = NULL;
		goto out;
	}
	ret = RT_KMALLOC_CACHE(s, flags, size);
	heap_created(&call, ret, size);
out:
	ddv_call_exit(&call, (u64)(unsigned long)ret);
	return ret;
}

static void *ddv_w_kmalloc(size_t size, gfp_t flags)
{
	u64 args[2] = { (u64)size, (u64)flags };
	struct ddv_call call;
	void *ret;

	if (READ_ONCE(bare) || !ddv_call_enter(&call, &rt_pack, F_KMALLOC, _RET_IP_, args, 2))
		return RT_KMALLOC(size, flags);
	if (!size)
		ddv_violation(&call, M_ZERO, 1, (u64)size);
	if (ddv_should_fail(&call, size, DDV_CONTIG)) {
		ret = NULL;
		goto out;
	}
	ret = RT_KMALLOC(size, flags);
	heap_created(&call, ret, size);
out:
	ddv_call_exit(&call, (u64)(unsigned long)ret);
	return ret;
}

static void ddv_w_kfree(const void *p)
{
	u64 args[1] = { (u64)(unsigned long)p };
	struct ddv_call call;

	if (READ_ONCE(bare) || !ddv_call_enter(&call, &rt_pack, F_KFREE, _RET_IP_, args, 1)) {
		kfree(p);
		return;
	}
	if (!ZERO_OR_NULL_PTR(p))
		ddv_obj_destroy(&call, T_HEAP, (u64)(unsigned long)p, NULL, 0);
	kfree(p);
	ddv_call_exit(&call, 0);
}

static struct ddv_pack rt_pack = {
	.abi_version = DDV_ABI_VERSION,
	.name = "rtpack",
	.version = "1",			/* as in rt_catalog's pack line */
	.catalog = rt_catalog,
	.catalog_len = sizeof(rt_catalog) - 1,
	.types = rt_types,
	.msgs = rt_msgs,
	.funcs = rt_funcs,
	.ntypes = ARRAY_SIZE(rt_types),
	.nmsgs = ARRAY_SIZE(rt_msgs),
	.nfuncs = ARRAY_SIZE(rt_funcs),
};

static int __init rt_pack_init(void)
{
	return ddv_register_pack(&rt_pack);
}

static void __exit rt_pack_exit(void)
{
	ddv_unregister_pack(&rt_pack);
}

module_init(rt_pack_init);
module_exit(rt_pack_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv runtime self-test pack: heap rules written by hand in ddvc's shape");
/* The symbols it probes on this kernel, for the tests to name (modinfo -F rt_kmalloc). */
MODULE_INFO(rt_kmalloc_cache, RT_CACHE_NAME);
MODULE_INFO(rt_kmalloc, RT_KMALLOC_NAME);
