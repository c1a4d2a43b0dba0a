/* test_state.c: what one ddv command leaves in the state directory for the next. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define E1000 SRCDIR "/tests/cli/data/e1000-6.1.0-56.ko"

static char dir[] = "/tmp/ddv-state-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	setenv("DDV_STATE_DIR", dir, 1);
}

static void teardown(void)
{
	state_reset();
	rmdir(dir);
}

TestSuite(state, .init = setup, .fini = teardown);

/* A site table survives the trip through its file, generation after generation. */
Test(state, site_table_round_trip)
{
	struct symset probed = { 0 };
	struct site_table t, back, back2;
	unsigned int gen, gen2;

	symset_add(&probed, "kfree");
	symset_add(&probed, "__pci_register_driver");
	cr_assert_eq(relocs_read_file(E1000, &probed, &t), 0);
	cr_assert_eq(state_save_sites(3, &t, &gen), 0);
	cr_expect_eq(gen, 1);
	cr_assert_eq(state_save_sites(3, &t, &gen2), 0);
	cr_expect_eq(gen2, 2);
	cr_assert_eq(state_load_sites(3, 1, &back), 0);
	cr_assert_eq(state_load_sites(3, 2, &back2), 0);
	cr_expect_str_eq(back.module, "e1000");
	cr_assert_eq(back.nsites, t.nsites);
	for (size_t i = 0; i < t.nsites; i++) {
		cr_expect_str_eq(back.sites[i].func, t.sites[i].func);
		cr_expect_eq(back.sites[i].func_offset, t.sites[i].func_offset);
		cr_expect_str_eq(back.sites[i].symbol, t.sites[i].symbol);
		cr_expect_str_eq(back.sites[i].section, t.sites[i].section);
		cr_expect_eq(back.sites[i].opcode, t.sites[i].opcode);
		cr_expect_eq(back.sites[i].init, t.sites[i].init);
	}
	cr_expect_neq(state_load_sites(3, 3, &back2), 0);
	cr_expect_neq(state_load_sites(4, 1, &back2), 0);
	site_table_free(&t);
	site_table_free(&back);
	symset_free(&probed);
}

Test(state, findings_and_records)
{
	char *text;
	void *data;
	size_t size;

	cr_assert_eq(state_read_findings(&text), 0);
	cr_expect_str_eq(text, "");
	free(text);
	cr_assert_eq(state_add_finding("a\tb\tc"), 0);
	cr_assert_eq(state_add_finding("d\te\tf"), 0);
	cr_assert_eq(state_read_findings(&text), 0);
	cr_expect_str_eq(text, "a\tb\tc\nd\te\tf\n");
	free(text);
	cr_assert_eq(state_read_records(&data, &size), 0);
	cr_expect_eq(size, 0);
	free(data);
}

/* A decoder over the state picks each driver's table as its arming comes by. */
Test(state, tables_from_files)
{
	struct rt_tables rt;
	char *path = state_path("packs");

	cr_assert_eq(write_whole_file(path, "1 linux 1.0\n2 other 2\n", 22), 0);
	free(path);
	cr_assert_eq(state_load_tables(&rt), 0);
	cr_expect_eq(rt.npacks, 2);
	cr_expect_str_eq(rt_pack_by_id(&rt, 2)->name, "other");
	cr_expect_null(rt_pack_by_id(&rt, 3));
	cr_expect_eq(rt.nfuncs, 0);
	rt_tables_free(&rt);
}
