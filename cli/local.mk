# cli/local.mk: the ddv command (included by the top Makefile.am). cli/lib/ is its
# library (one header per concern), cli/cmd/ its commands (commands.h: one file per family).
CLI_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli/lib -I$(top_srcdir)/runtime/core -D_GNU_SOURCE \
	-DDDV_MODULEDIR='"$(pkglibdir)/modules"' -DDDV_KERNEL_RELEASE='"$(KERNEL_RELEASE)"' \
	-DDDV_BINDIR='"$(bindir)"' -DDDV_VMDIR='"$(pkglibexecdir)/vm"'

noinst_LIBRARIES += cli/libddvcli.a
cli_libddvcli_a_CPPFLAGS = $(CLI_CPPFLAGS) $(LIBELF_CFLAGS) $(LIBDW_CFLAGS) $(LIBKMOD_CFLAGS)
# util.h: diagnostics, memory, strings, buffers.
cli_libddvcli_a_SOURCES = cli/lib/util.h cli/lib/util.c
# module.h: module files, their call sites, names of addresses.
cli_libddvcli_a_SOURCES += cli/lib/module.h cli/lib/modfile.c cli/lib/relocs.c cli/lib/ksyms.c \
	cli/lib/modsyms.c cli/lib/srcline.c
# catalog.h: the packs' names, from the pack modules.
cli_libddvcli_a_SOURCES += cli/lib/catalog.h cli/lib/catalog.c cli/lib/packcat.c
# runtime.h: the control device, the state directory, the session, shared steps.
cli_libddvcli_a_SOURCES += cli/lib/runtime.h cli/lib/control.c cli/lib/state.c cli/lib/session.c \
	cli/lib/common.c
# decode.h: records to events, reports, suppressions.
cli_libddvcli_a_SOURCES += cli/lib/decode.h cli/lib/decode.c cli/lib/report.c cli/lib/suppress.c
# cireport.h: results as CI reads them, KTAP and JUnit XML.
cli_libddvcli_a_SOURCES += cli/lib/cireport.h cli/lib/cireport.c
# htmlreport.h: a report or campaign as one self-contained HTML page.
cli_libddvcli_a_SOURCES += cli/lib/htmlreport.h cli/lib/htmlreport.c
# kernlog.h: the kernel's own complaints in the session's kernel log.
cli_libddvcli_a_SOURCES += cli/lib/kernlog.h cli/lib/kernlog.c
# campaign.h: a campaign's journal and its pruning.
cli_libddvcli_a_SOURCES += cli/lib/campaign.h cli/lib/prune.c cli/lib/journal.c
# trigger.h: event injection's triggers, parsed, set, their commands run.
cli_libddvcli_a_SOURCES += cli/lib/trigger.h cli/lib/trigger.c

CLI_LIBS = cli/libddvcli.a runtime/core/libddvcore.a $(LIBDW_LIBS) $(LIBELF_LIBS) $(LIBKMOD_LIBS) $(LZMA_LIBS) -lpthread

bin_PROGRAMS += cli/ddv
cli_ddv_CPPFLAGS = $(CLI_CPPFLAGS)
cli_ddv_SOURCES = cli/cmd/main.c cli/cmd/commands.h cli/cmd/cmd_sites.c cli/cmd/cmd_start.c \
	cli/cmd/cmd_load.c cli/cmd/cmd_log.c cli/cmd/cmd_status.c cli/cmd/cmd_control.c \
	cli/cmd/cmd_vm.c cli/cmd/cmd_campaign.c cli/cmd/cmd_scope.c
# ddv campaign's other parts (campaign_cmd.h says which holds what).
cli_ddv_SOURCES += cli/cmd/campaign_cmd.h cli/cmd/campaign_plan.c cli/cmd/campaign_run.c \
	cli/cmd/campaign_summary.c cli/cmd/campaign_vm.c
cli_ddv_LDADD = $(CLI_LIBS)

dist_man_MANS += man/ddv.8
# The schema of the command's JSON (man ddv(8), JSON OUTPUT).
dist_pkgdata_DATA = cli/ddv.schema.json

# The YAML configuration: ddv config, ddv run (man/ddv.yaml.5).
cli_libddvcli_a_SOURCES += cli/lib/yamlconf.h cli/lib/yamlconf_int.h cli/lib/yamlconf.c \
	cli/lib/yamlconf_check.c lib/caret.h lib/caret.c
cli_libddvcli_a_CPPFLAGS += $(YAML_CFLAGS)
CLI_LIBS += $(YAML_LIBS)
cli_ddv_SOURCES += cli/cmd/cmd_config.c
dist_man_MANS += man/ddv.yaml.5
