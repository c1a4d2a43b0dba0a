# compiler/local.mk: the compiler part of the build (included by the top Makefile.am).
noinst_LIBRARIES += compiler/libddvc.a
compiler_libddvc_a_SOURCES = compiler/ddvc.h compiler/lexer_extra.h \
	compiler/parser.y compiler/lexer.l compiler/tree.c compiler/diag.c \
	compiler/checks.c compiler/messages.c compiler/guards.c compiler/writer.c compiler/emit_c.c compiler/emit_lookups.h compiler/emit_lookups.c compiler/emit_sig.c compiler/emit_expr.c compiler/emit_pack.c compiler/emit_catalog.c \
	compiler/emit_doc.c compiler/driver.c \
	runtime/include/ddv/limits.h lib/caret.h lib/caret.c
AM_YFLAGS = -d -Wall -Wno-yacc
BUILT_SOURCES += compiler/parser.h

bin_PROGRAMS += compiler/ddvc
compiler_ddvc_SOURCES = compiler/main.c
compiler_ddvc_LDADD = compiler/libddvc.a

dist_man_MANS += man/ddvc.1 man/ddv-rules.5
# Files, not directories, where the build tree has a directory of the same name (it would be merged in).
EXTRA_DIST += specs scripts/bench-ddvc compiler/README runtime/include/ddv/fastpath.h \
	generated/Kbuild generated/linux.c generated/linux.md

# generated/ holds ddvc's output for the shipped specs: linux.c (its catalog inside) and Kbuild,
# and the review document linux.md. `make generated` refreshes it.
DDV_SPECS = specs/linux/heap.ddv specs/linux/dma.ddv specs/linux/irq.ddv \
	specs/linux/timer.ddv specs/linux/net.ddv specs/linux/pci.ddv specs/linux/sched.ddv \
	specs/linux/device.ddv specs/linux/locks.ddv specs/linux/usb.ddv specs/linux/block.ddv \
	specs/linux/scsi.ddv specs/linux/clk.ddv
generated: compiler/ddvc
	cd $(top_srcdir) && $(abs_top_builddir)/compiler/ddvc compile $(DDV_SPECS) -o generated && \
		$(abs_top_builddir)/compiler/ddvc doc $(DDV_SPECS) -o generated/linux.md
.PHONY: generated
