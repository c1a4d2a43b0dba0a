# tests/local.mk: the tests part of the build (included by the top Makefile.am).

# The ddv command's units (tests/cli/).
CLI_TEST_CPPFLAGS = $(CLI_CPPFLAGS) -DSRCDIR='"$(abs_top_srcdir)"' $(CRITERION_CFLAGS)
CLI_TEST_LIBS = $(CLI_LIBS) $(CRITERION_LIBS)
check_PROGRAMS += tests/cli/test_relocs
TESTS += tests/cli/test_relocs
tests_cli_test_relocs_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_relocs_LDADD = $(CLI_TEST_LIBS)
EXTRA_DIST += tests/cli/data
check_PROGRAMS += tests/cli/test_catalog
TESTS += tests/cli/test_catalog
tests_cli_test_catalog_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_catalog_LDADD = $(CLI_TEST_LIBS)
check_PROGRAMS += tests/cli/test_decode
TESTS += tests/cli/test_decode
tests_cli_test_decode_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_decode_LDADD = $(CLI_TEST_LIBS)
# Source lines from a module's DWARF: an object cc -g builds in the test.
check_PROGRAMS += tests/cli/test_srcline
TESTS += tests/cli/test_srcline
tests_cli_test_srcline_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_srcline_LDADD = $(CLI_TEST_LIBS)

# --- runtime core units (tests/runtime/): store, config/Bloom, log codec and rings, injection.
RUNTIME_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
RUNTIME_TEST_LIBS = runtime/core/libddvcore.a $(CRITERION_LIBS) -lpthread
check_PROGRAMS += tests/runtime/test_store tests/runtime/test_config \
	tests/runtime/test_logring tests/runtime/test_inject
TESTS += tests/runtime/test_store tests/runtime/test_config \
	tests/runtime/test_logring tests/runtime/test_inject
tests_runtime_test_store_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS)
tests_runtime_test_store_LDADD = $(RUNTIME_TEST_LIBS)
tests_runtime_test_config_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS)
tests_runtime_test_config_LDADD = $(RUNTIME_TEST_LIBS)
tests_runtime_test_logring_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS)
tests_runtime_test_logring_LDADD = $(RUNTIME_TEST_LIBS)
tests_runtime_test_inject_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS)
tests_runtime_test_inject_LDADD = $(RUNTIME_TEST_LIBS)
# Leak scope tables (runtime/core/scope_table.h, header only).
check_PROGRAMS += tests/runtime/test_scope_table
TESTS += tests/runtime/test_scope_table
tests_runtime_test_scope_table_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS)
tests_runtime_test_scope_table_LDADD = $(RUNTIME_TEST_LIBS)
# Triggers of event injection (runtime/core/trigger_table.h, header only).
check_PROGRAMS += tests/runtime/test_trigger
TESTS += tests/runtime/test_trigger
tests_runtime_test_trigger_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS)
tests_runtime_test_trigger_LDADD = $(RUNTIME_TEST_LIBS)
# A driver's published allocations for ddv_in_driver (runtime/include/ddv/area.h, header only).
check_PROGRAMS += tests/runtime/test_area
TESTS += tests/runtime/test_area
tests_runtime_test_area_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS)
tests_runtime_test_area_LDADD = $(RUNTIME_TEST_LIBS)
# store.c compiled in, with a hook between a shift's reads.
check_PROGRAMS += tests/runtime/test_store_race
TESTS += tests/runtime/test_store_race
tests_runtime_test_store_race_CPPFLAGS = $(RUNTIME_TEST_CPPFLAGS) -I$(srcdir)/runtime/core
tests_runtime_test_store_race_LDADD = $(RUNTIME_TEST_LIBS)
# --- end of runtime core units

# --- compiler (tests/compiler/): units, pass-by-pass cases, robustness, generated/ freshness, kbuild.
# Test scripts find ddvc and the kernel tree here; other parts may append to AM_TESTS_ENVIRONMENT.
AM_TESTS_ENVIRONMENT = DDVC=$(abs_top_builddir)/compiler/ddvc; KDIR='$(KDIR)'; \
	DDV_SPECS='$(DDV_SPECS)'; export DDVC KDIR DDV_SPECS;
check_PROGRAMS += tests/compiler/test_ddvc
TESTS += tests/compiler/test_ddvc tests/compiler/cases.test tests/compiler/robust.test \
	tests/compiler/generated.test tests/compiler/kbuild.test tests/compiler/man.test \
	tests/compiler/coverage.test
tests_compiler_test_ddvc_CPPFLAGS = $(AM_CPPFLAGS) $(CRITERION_CFLAGS)
tests_compiler_test_ddvc_LDADD = compiler/libddvc.a $(CRITERION_LIBS)
# The case directories exist only in the source tree; the scripts are listed one by one.
EXTRA_DIST += tests/compiler/parse tests/compiler/check tests/compiler/emit tests/compiler/fuzz/corpus \
	tests/compiler/fuzz/build.sh tests/compiler/fuzz/ddv.dict \
	tests/compiler/cases.test tests/compiler/robust.test tests/compiler/generated.test \
	tests/compiler/kbuild.test tests/compiler/man.test tests/compiler/coverage.test docs
# --- end of compiler
check_PROGRAMS += tests/cli/test_state
TESTS += tests/cli/test_state
tests_cli_test_state_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_state_LDADD = $(CLI_TEST_LIBS)
check_PROGRAMS += tests/cli/test_yamlconf
TESTS += tests/cli/test_yamlconf
tests_cli_test_yamlconf_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_yamlconf_LDADD = $(CLI_TEST_LIBS)
TESTS += tests/cli/config.test
EXTRA_DIST += tests/cli/config.test
check_PROGRAMS += tests/cli/test_kernlog
TESTS += tests/cli/test_kernlog
tests_cli_test_kernlog_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_kernlog_LDADD = $(CLI_TEST_LIBS)
check_PROGRAMS += tests/cli/test_trigger
TESTS += tests/cli/test_trigger
tests_cli_test_trigger_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_trigger_LDADD = $(CLI_TEST_LIBS)
check_PROGRAMS += tests/cli/test_campaign
TESTS += tests/cli/test_campaign
tests_cli_test_campaign_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_campaign_LDADD = $(CLI_TEST_LIBS)
TESTS += tests/cli/cli.test
EXTRA_DIST += tests/cli/cli.test
# What CI reads: JSON against its schema, KTAP through the kernel's parser, JUnit.
TESTS += tests/cli/ci.test tests/cli/lava.test
EXTRA_DIST += tests/cli/ci.test tests/cli/lava.test tests/cli/schema-check tests/cli/kunit
# ddv report --html and campaign --html: the page's structure and escaping (html-shape parses
# it), and what a reader sees of it in headless Chromium (browser.test).
TESTS += tests/cli/html.test tests/cli/browser.test
EXTRA_DIST += tests/cli/html.test tests/cli/html-shape tests/cli/browser.test

# The fixture drivers the VM scenarios build (tests/drivers/build-fixtures).
EXTRA_DIST += tests/drivers

# The tree's size limits (scripts/style-check); docs/findings.md against the suite; no kernel
# image in setup-debian's dependencies.
TESTS += tests/style.test tests/findings.test tests/setup.test tests/corpus.test tests/test-vm.test
EXTRA_DIST += tests/style.test tests/findings.test tests/setup.test tests/corpus.test tests/test-vm.test tests/vm

# The fuzzers' corpora and crashes, replayed through each harness's entry without clang
# (tests/fuzz/README): a plain main() (tests/fuzz/replay.c) per harness, the code under test
# compiled again with ASan and UBSan when the compiler has them (configure: FUZZ_REPLAY_CFLAGS).
check_LIBRARIES = tests/fuzz/libreplay_cli.a tests/fuzz/libreplay_ddvc.a
tests_fuzz_libreplay_cli_a_SOURCES = $(cli_libddvcli_a_SOURCES) $(runtime_core_libddvcore_a_SOURCES) \
	cli/cmd/cmd_log.c
tests_fuzz_libreplay_cli_a_CPPFLAGS = $(cli_libddvcli_a_CPPFLAGS)
tests_fuzz_libreplay_cli_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_REPLAY_CFLAGS)
# ddvc's C files, the parser and lexer as compiler/libddvc.a's rules generate them.
tests_fuzz_libreplay_ddvc_a_SOURCES = compiler/tree.c compiler/diag.c compiler/checks.c compiler/messages.c \
	compiler/guards.c \
	compiler/writer.c compiler/emit_c.c compiler/emit_lookups.h compiler/emit_lookups.c compiler/emit_sig.c compiler/emit_expr.c compiler/emit_pack.c compiler/emit_catalog.c \
	compiler/emit_doc.c compiler/driver.c lib/caret.c
nodist_tests_fuzz_libreplay_ddvc_a_SOURCES = compiler/parser.c compiler/lexer.c
tests_fuzz_libreplay_ddvc_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_REPLAY_CFLAGS)
REPLAY_CLI_LIBS = tests/fuzz/libreplay_cli.a $(YAML_LIBS) $(LIBDW_LIBS) $(LIBELF_LIBS) $(LIBKMOD_LIBS) \
	$(LZMA_LIBS) -lpthread
check_PROGRAMS += tests/fuzz/replay_decode tests/fuzz/replay_yaml tests/fuzz/replay_frontend
tests_fuzz_replay_decode_SOURCES = tests/fuzz/replay.c tests/cli/fuzz/fuzz_decode.c
tests_fuzz_replay_decode_CPPFLAGS = $(CLI_CPPFLAGS) -I$(top_srcdir)/cli/cmd
tests_fuzz_replay_decode_CFLAGS = $(AM_CFLAGS) $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_decode_LDADD = $(REPLAY_CLI_LIBS)
tests_fuzz_replay_yaml_SOURCES = tests/fuzz/replay.c tests/cli/fuzz/fuzz_yaml.c
tests_fuzz_replay_yaml_CPPFLAGS = $(CLI_CPPFLAGS)
tests_fuzz_replay_yaml_CFLAGS = $(AM_CFLAGS) $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_yaml_LDADD = $(REPLAY_CLI_LIBS)
tests_fuzz_replay_frontend_SOURCES = tests/fuzz/replay.c tests/compiler/fuzz/fuzz_frontend.c
tests_fuzz_replay_frontend_CFLAGS = $(AM_CFLAGS) $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_frontend_LDADD = tests/fuzz/libreplay_ddvc.a
TESTS += tests/fuzz/replay.test
# Files and the corpus directories: tests/cli/fuzz/ also holds objects in the build tree.
EXTRA_DIST += tests/fuzz/replay.test tests/fuzz/README tests/cli/fuzz/build.sh \
	tests/cli/heap_catalog.h \
	tests/cli/fuzz/seeds_decode.c tests/cli/fuzz/decode.dict tests/cli/fuzz/yaml.dict \
	tests/cli/fuzz/corpus-decode tests/cli/fuzz/crashes-decode tests/cli/fuzz/corpus-yaml
