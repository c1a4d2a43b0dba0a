/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slabfx.h: body of the slabfx_* fixtures: slab caches and the kernel's string allocators
 * (kasprintf, kvasprintf, kstrndup, kstrdup_const, kfree_sensitive) used at init and undone
 * at exit. Each defect defines one macro:
 *   SF_CACHE_LEAK      a slab cache never destroyed
 *   SF_CACHE_BUSY      a cache destroyed with one of its objects still allocated
 *   SF_FREE_OTHER      an object given back to another cache of the same size
 *   SF_FREE_UNKNOWN    kmem_cache_free() of a kmalloc'ed block
 *   SF_DESTROY_UNKNOWN kmem_cache_destroy() of a cache ddv never saw made
 *   SF_SENSITIVE       kfree_sensitive() of a block ddv never saw allocated
 *   SF_KASPRINTF_LEAK  a kasprintf() string never freed
 *   SF_ATOMIC          kasprintf and kmem_cache_alloc with GFP_KERNEL, preemption off
 *   SF_AGAIN           an object freed where ddv does not see it (kmem_cache_free through a
 *                      function pointer) and allocated again: SLUB gives the object freed
 *                      last, which ddv holds live; its count keeps the cache busy to ddv
 * Every one also makes and destroys two caches of one size without a constructor, which SLUB
 * merges: the second create gives back the first cache (no finding may come of it).
 * Their clean twins (FIXTURE_CLEAN) do the same calls rightly. Without contracts for the
 * string allocators, each of the twin's kfree()s was a false heap.double-free.
 *
 * What keeps the defects safe: SLUB with SLAB_FREELIST_HARDENED (Debian's) gives an object
 * freed to the wrong cache back to its own, with a warning; a busy cache is kept by the
 * kernel, with a warning; the blocks and the cache "ddv never saw" are made through function
 * pointers, which ddv does not redirect, and released once.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define SF_SIZE 200

static struct kmem_cache *sf_cache, *sf_other;

/* A constructor keeps SLUB from merging the two caches into one (or into a kmalloc cache). */
static void sf_ctor(void *obj)
{
}
static char *sf_name, *sf_copy, *sf_fmt;
static const char *sf_const;

static char *sf_vformat(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = kvasprintf(GFP_KERNEL, fmt, ap);
	va_end(ap);
	return s;
}

static int sf_strings(void)
{
	void *(*alloc)(size_t, gfp_t) = __kmalloc;
	void *hidden;

	/* The call through it stays indirect: ddv does not see it. */
	OPTIMIZER_HIDE_VAR(alloc);
	sf_name = kasprintf(GFP_KERNEL, "%s-%d-%s", KBUILD_MODNAME, 7, "name");
	sf_fmt = sf_vformat("%s:%u", KBUILD_MODNAME, 42u);
	sf_copy = kstrndup(KBUILD_MODNAME "-copy", 8, GFP_KERNEL);
	sf_const = kstrdup_const(KBUILD_MODNAME, GFP_KERNEL);
	if (!sf_name || !sf_fmt || !sf_copy || !sf_const)
		return -ENOMEM;
	if (strcmp(sf_name, KBUILD_MODNAME "-7-name") || strcmp(sf_fmt, KBUILD_MODNAME ":42"))
		return -EINVAL;
	hidden = kmalloc(16, GFP_KERNEL);
#if defined(SF_SENSITIVE) && !defined(FIXTURE_CLEAN)
	kfree(hidden);
	hidden = alloc(16, GFP_KERNEL);
#endif
	(void)alloc;
	kfree_sensitive(hidden);
	return 0;
}

/* Merged by SLUB: one cache, two creates, two destroys. */
static int sf_merged(void)
{
	struct kmem_cache *a = kmem_cache_create(KBUILD_MODNAME "_m1", 96, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create(KBUILD_MODNAME "_m2", 96, 0, 0, NULL);
	void *obj = a ? kmem_cache_alloc(a, GFP_KERNEL) : NULL;

	if (obj)
		kmem_cache_free(a, obj);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	return a && b && obj ? 0 : -ENOMEM;
}

#if defined(SF_AGAIN) && !defined(FIXTURE_CLEAN)
/* The real free, called where ddv does not redirect (volatile: never folded). */
static void (*volatile sf_free_again)(struct kmem_cache *, void *) = kmem_cache_free;
#else
#define sf_free_again kmem_cache_free
#endif

static int sf_caches(void)
{
	void *obj, *spare;

	if (sf_merged())
		return -ENOMEM;
	sf_cache = kmem_cache_create(KBUILD_MODNAME, SF_SIZE, 0, 0, sf_ctor);
	sf_other = kmem_cache_create(KBUILD_MODNAME "_other", SF_SIZE, 0, 0, sf_ctor);
	if (!sf_cache || !sf_other)
		return -ENOMEM;
	obj = kmem_cache_alloc(sf_cache, GFP_KERNEL);
	spare = kmem_cache_alloc(sf_cache, GFP_KERNEL);
	if (!obj || !spare)
		return -ENOMEM;
#if defined(SF_FREE_OTHER) && !defined(FIXTURE_CLEAN)
	kmem_cache_free(sf_other, obj);
#else
	kmem_cache_free(sf_cache, obj);
#endif
	/* SLUB gives an object of a cache back with kfree() too. */
	kfree(spare);
#ifdef SF_FREE_UNKNOWN
	spare = kmalloc(SF_SIZE, GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
#ifdef FIXTURE_CLEAN
	kfree(spare);
#else
	kmem_cache_free(sf_cache, spare);
#endif
#endif
#ifdef SF_AGAIN
	obj = kmem_cache_alloc(sf_cache, GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	sf_free_again(sf_cache, obj);
	obj = kmem_cache_alloc(sf_cache, GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	kmem_cache_free(sf_cache, obj);
#endif
#ifdef SF_CACHE_BUSY
	spare = kmem_cache_alloc(sf_other, GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
#ifdef FIXTURE_CLEAN
	kmem_cache_free(sf_other, spare);
#endif
#endif
	return 0;
}

#ifdef SF_ATOMIC
/* Both fail by injection (inject random all 100), so nothing sleeps with preemption off. */
static noinline void sf_atomic(void)
{
	char *s;
	void *obj;

#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	s = kasprintf(GFP_KERNEL, "%s", KBUILD_MODNAME);
	obj = kmem_cache_alloc(sf_cache, GFP_KERNEL);
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	kfree(s);
	if (obj)
		kmem_cache_free(sf_cache, obj);
}
#endif

static void sf_undo(void)
{
	struct kmem_cache *(*create)(const char *, unsigned int, unsigned int, slab_flags_t,
				     void (*)(void *)) = kmem_cache_create;

	OPTIMIZER_HIDE_VAR(create);
#if !defined(SF_KASPRINTF_LEAK) || defined(FIXTURE_CLEAN)
	kfree(sf_name);
#endif
	kfree(sf_fmt);
	kfree(sf_copy);
	kfree_const(sf_const);
#if !defined(SF_CACHE_LEAK) || defined(FIXTURE_CLEAN)
	kmem_cache_destroy(sf_cache);
#endif
#if defined(SF_DESTROY_UNKNOWN) && !defined(FIXTURE_CLEAN)
	kmem_cache_destroy(sf_other);
	sf_other = create(KBUILD_MODNAME "_unseen", SF_SIZE, 0, 0, sf_ctor);
#endif
	(void)create;
	kmem_cache_destroy(sf_other);
}

static int __init sf_init(void)
{
	int err = sf_strings();

	if (!err)
		err = sf_caches();
	if (err) {
		sf_undo();
		return err;
	}
#ifdef SF_ATOMIC
	sf_atomic();
#endif
	return 0;
}

static void __exit sf_exit(void)
{
	sf_undo();
}

module_init(sf_init);
module_exit(sf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: slab caches and string allocators");
