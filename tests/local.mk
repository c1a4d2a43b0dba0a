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
