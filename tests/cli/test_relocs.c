/* test_relocs.c: call sites read from real and broken modules' relocations. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <unistd.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "module.h"

#define E1000 SRCDIR "/tests/cli/data/e1000-6.1.0-56.ko"

/* Heap, vmalloc and DMA coherent symbols of Debian's 6.1: the API set design.md measured. */
static const char *const probed_names[] = {
	"__kmalloc", "kmalloc_trace", "kmalloc_large", "__kmalloc_node", "kmalloc_node_trace",
	"kfree", "vzalloc", "vmalloc", "vfree", "dma_alloc_attrs", "dma_free_attrs",
};

static void probed_set(struct symset *set)
{
	for (size_t i = 0; i < sizeof(probed_names) / sizeof(probed_names[0]); i++)
		symset_add(set, probed_names[i]);
}

static const struct site *find_site(const struct site_table *t, const char *func, uint32_t off)
{
	for (size_t i = 0; i < t->nsites; i++)
		if (!strcmp(t->sites[i].func, func) && t->sites[i].func_offset == off)
			return &t->sites[i];
	return NULL;
}

Test(relocs, e1000_sites)
{
	struct symset probed = { 0 };
	struct site_table t;
	size_t jmps = 0, unlikely = 0, jccs = 0;
	const struct site *s;

	probed_set(&probed);
	cr_assert_eq(relocs_read_file(E1000, &probed, &t), 0);
	cr_expect_str_eq(t.module, "e1000");
	cr_expect_eq(t.nsites, 55);
	cr_expect_eq(t.nambiguous, 0);
	for (size_t i = 0; i < t.nsites; i++) {
		jmps += t.sites[i].opcode == 0xe9;
		jccs += t.sites[i].opcode == 0x0f;
		unlikely += !strcmp(t.sites[i].section, ".text.unlikely");
		cr_expect(!t.sites[i].init);
	}
	cr_expect_eq(jmps, 1);
	cr_expect_eq(jccs, 0);
	cr_expect_eq(unlikely, 1);

	/* The tail call that ftrace filtering got wrong. */
	s = find_site(&t, "e1000_set_rx_mode", 0x226);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->symbol, "kfree");
	cr_expect_str_eq(site_kind(s), "jmp");
	cr_expect_eq(s->section_offset, 0x2526);

	s = find_site(&t, "e1000_probe.cold", 0x1e7);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->symbol, "kfree");
	cr_expect_str_eq(s->section, ".text.unlikely");

	s = find_site(&t, "e1000_setup_all_tx_resources", 0xbd);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->symbol, "dma_alloc_attrs");
	cr_expect_eq(s->opcode, 0xe8);
	site_table_free(&t);
	symset_free(&probed);
}

/* The init function calls the PCI core, not the heap: an .init.text site shows up when probed. */
/* What a campaign says it did not cover: called imports no pack probes, by a guess from their names. */
Test(relocs, uncovered_imports)
{
	static const char *const fallible[] = {
		"snd_card_new", "__alloc_skb", "pcim_iomap_regions", "misc_register",
		"alloc_chrdev_region", "mutex_lock_interruptible", "acpi_get_handle", NULL
	};
	static const char *const not_fallible[] = {
		"kfree", "pci_unregister_driver", "_dev_err", "__x86_indirect_thunk_rax",
		"is_vmalloc_addr", "memcpy", "cancel_work_sync", "dma_unmap_page_attrs", NULL
	};
	struct symset probed = { 0 };
	struct site_table t;

	for (int i = 0; fallible[i]; i++)
		cr_expect(symbol_looks_fallible(fallible[i]), "%s", fallible[i]);
	for (int i = 0; not_fallible[i]; i++)
		cr_expect(!symbol_looks_fallible(not_fallible[i]), "%s", not_fallible[i]);

	probed_set(&probed);
	cr_assert_eq(relocs_read_file(E1000, &probed, &t), 0);
	cr_expect(symset_has(&t.uncovered, "netif_device_attach"));
	cr_expect(symset_has(&t.uncovered, "_dev_err"));
	cr_expect(!symset_has(&t.uncovered, "kfree"), "probed: a site, not uncovered");
	for (size_t i = 0; i < t.uncovered.n; i++)
		cr_expect(!symset_has(&probed, t.uncovered.names[i]), "%s", t.uncovered.names[i]);
	site_table_free(&t);
	symset_free(&probed);
}

Test(relocs, init_text_site)
{
	struct symset probed = { 0 };
	struct site_table t;
	const struct site *s;

	symset_add(&probed, "__pci_register_driver");
	symset_add(&probed, "pci_unregister_driver");
	cr_assert_eq(relocs_read_file(E1000, &probed, &t), 0);
	cr_expect_eq(t.nsites, 2);
	s = find_site(&t, "e1000_init_module", 0);
	for (size_t i = 0; i < t.nsites; i++)
		if (!strcmp(t.sites[i].symbol, "__pci_register_driver"))
			s = &t.sites[i];
	cr_assert_not_null(s);
	cr_expect_str_eq(s->func, "e1000_init_module");
	cr_expect_str_eq(s->section, ".init.text");
	cr_expect(s->init);
	site_table_free(&t);
	symset_free(&probed);
}

/* A symbol whose address is taken ("kmalloc_caches[...]" is data) is no site. */
Test(relocs, data_reference_is_not_a_site)
{
	struct symset probed = { 0 };
	struct site_table t;

	symset_add(&probed, "kmalloc_caches");
	cr_assert_eq(relocs_read_file(E1000, &probed, &t), 0);
	cr_expect_eq(t.nsites, 0);
	cr_expect_eq(t.naddr_refs, 2);
	site_table_free(&t);
	symset_free(&probed);
}

Test(relocs, nothing_probed)
{
	struct symset probed = { 0 };
	struct site_table t;

	cr_assert_eq(relocs_read_file(E1000, &probed, &t), 0);
	cr_expect_eq(t.nsites, 0);
	site_table_free(&t);
}

/* The same module as a .ko.xz (CRC32 check, as kbuild compresses them) gives the same sites. */
Test(relocs, xz_module)
{
	struct symset probed = { 0 };
	struct site_table plain, packed;
	char path[] = "/tmp/ddv-test-XXXXXX.ko.xz";
	size_t size, out_size = 0, cap;
	uint8_t *out;
	void *image;
	int fd;

	cr_assert_eq(read_whole_file(E1000, &image, &size), 0);
	cap = lzma_stream_buffer_bound(size);
	out = xmalloc(cap);
	cr_assert_eq(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, image, size,
					     out, &out_size, cap), LZMA_OK);
	fd = mkstemps(path, 6);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, out, out_size), (ssize_t)out_size);
	close(fd);

	probed_set(&probed);
	cr_assert_eq(relocs_read_file(E1000, &probed, &plain), 0);
	cr_assert_eq(relocs_read_file(path, &probed, &packed), 0);
	unlink(path);
	cr_expect_eq(packed.nsites, plain.nsites);
	for (size_t i = 0; i < plain.nsites && i < packed.nsites; i++) {
		cr_expect_str_eq(packed.sites[i].func, plain.sites[i].func);
		cr_expect_eq(packed.sites[i].func_offset, plain.sites[i].func_offset);
	}
	site_table_free(&plain);
	site_table_free(&packed);
	symset_free(&probed);
	free(image);
	free(out);
}

static int read_bytes(const void *bytes, size_t n, struct symset *probed)
{
	struct site_table t;
	int err = relocs_read_image(bytes, n, "garbage", probed, &t);

	if (!err)
		site_table_free(&t);
	return err;
}

Test(relocs, garbage_is_refused, .init = cr_redirect_stderr)
{
	static const char text[] = "this is not an ELF file at all";
	struct symset probed = { 0 };
	void *image;
	size_t size;

	probed_set(&probed);
	cr_expect_lt(read_bytes(text, sizeof(text), &probed), 0);
	cr_assert_eq(read_whole_file(E1000, &image, &size), 0);
	/* Cut short: the section headers at the end are gone. */
	cr_expect_lt(read_bytes(image, size / 2, &probed), 0);
	/* The host's own executable is ELF but no module. */
	cr_expect_lt(relocs_read_file("/proc/self/exe", &probed, &(struct site_table){ 0 }), 0);
	free(image);
	symset_free(&probed);
}

Test(relocs, corrupt_xz_is_refused, .init = cr_redirect_stderr)
{
	static const unsigned char bad[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5 };
	void *out;
	size_t n;

	cr_expect_eq(xz_decompress(bad, sizeof(bad), &out, &n), -EINVAL);
}

/*
 * Static functions of two files may share a name (dupnames-a.c, dupnames-b.c):
 * the kernel tries every copy, so a site stays nameable unless another copy
 * has a call at the same offset.
 */
Test(relocs, same_named_functions, .init = cr_redirect_stderr)
{
	struct symset probed = { 0 };
	struct site_table t;

	symset_add(&probed, "kfree");
	cr_assert_eq(relocs_read_file(SRCDIR "/tests/cli/data/dupnames.o", &probed, &t), 0);
	cr_expect_eq(t.nambiguous, 2);		/* helper+0 twice */
	cr_assert_eq(t.nsites, 2);
	cr_expect_not_null(find_site(&t, "other", 0));
	cr_expect_not_null(find_site(&t, "other", 0xd));
	cr_expect_null(find_site(&t, "helper", 0));
	site_table_free(&t);
	symset_free(&probed);
}
