# cli/local.mk: the ddv command (included by the top Makefile.am).
CLI_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli -I$(top_srcdir)/runtime/core -D_GNU_SOURCE \
	-DDDV_MODULEDIR='"$(pkglibdir)/modules"' \
	-DDDV_BINDIR='"$(bindir)"' -DDDV_SRCDIR='"$(abs_top_srcdir)"' \
	-DDDV_BUILDDIR='"$(abs_top_builddir)"' -DDDV_VMDIR='"$(pkglibexecdir)/vm"'

noinst_LIBRARIES += cli/libddvcli.a
cli_libddvcli_a_CPPFLAGS = $(CLI_CPPFLAGS) $(LIBELF_CFLAGS) $(LIBKMOD_CFLAGS)
cli_libddvcli_a_SOURCES = cli/cli.h cli/util.c cli/modfile.c cli/relocs.c cli/catalog.c \
	cli/control.c cli/state.c cli/decode.c cli/report.c cli/suppress.c cli/common.c cli/ksyms.c \
	cli/modsyms.c cli/campaign.h cli/prune.c cli/journal.c cli/packcat.c cli/session.c

CLI_LIBS = cli/libddvcli.a runtime/core/libddvcore.a $(LIBELF_LIBS) $(LIBKMOD_LIBS) $(LZMA_LIBS) -lpthread

bin_PROGRAMS += cli/ddv
cli_ddv_CPPFLAGS = $(CLI_CPPFLAGS)
cli_ddv_SOURCES = cli/main.c cli/commands.h cli/cmd_sites.c cli/cmd_start.c cli/cmd_load.c \
	cli/cmd_log.c cli/cmd_status.c cli/cmd_control.c cli/cmd_vm.c cli/cmd_campaign.c \
	cli/cmd_scope.c
# ddv campaign's other parts (campaign_cmd.h says which holds what).
cli_ddv_SOURCES += cli/campaign_cmd.h cli/campaign_plan.c cli/campaign_run.c \
	cli/campaign_summary.c cli/campaign_vm.c
cli_ddv_LDADD = $(CLI_LIBS)

dist_man_MANS += man/ddv.8

# The YAML configuration: ddv config, ddv run (man/ddv.yaml.5).
cli_libddvcli_a_SOURCES += cli/yamlconf.h cli/yamlconf_int.h cli/yamlconf.c cli/yamlconf_check.c \
	lib/caret.h lib/caret.c
cli_libddvcli_a_CPPFLAGS += $(YAML_CFLAGS)
CLI_LIBS += $(YAML_LIBS)
cli_ddv_SOURCES += cli/cmd_config.c
dist_man_MANS += man/ddv.yaml.5
