# runtime/local.mk: the runtime part of the build (included by the top Makefile.am).

# --- runtime core (user space): libddvcore.a, the portable core that ddv.ko also
# --- compiles; the ddv command and the tests link it. Owner: runtime core.
DDVCORE_HDRS = runtime/core/env.h runtime/core/store.h runtime/core/bloom.h \
	runtime/core/config.h runtime/core/logring.h runtime/core/inject.h runtime/core/scope_table.h \
	runtime/core/trigger_table.h \
	runtime/include/ddv/logrec.h runtime/include/ddv/abi.h runtime/include/ddv/uapi.h
noinst_LIBRARIES += runtime/core/libddvcore.a
runtime_core_libddvcore_a_CFLAGS = $(AM_CFLAGS) -O2
runtime_core_libddvcore_a_SOURCES = $(DDVCORE_HDRS) runtime/core/env_user.c \
	runtime/core/store.c runtime/core/config.c runtime/core/logring.c runtime/core/inject.c
EXTRA_DIST += scripts/bench-runtime tests/runtime/bench.c tests/runtime/fuzz_logdec.c
# --- end of runtime core

# --- kernel modules: `make modules` builds ddv.ko (runtime/linux + the core) and,
# --- when generated/Kbuild exists, the pack module ddv-linux.ko, with kbuild
# --- against $(KDIR). kbuild writes objects beside its sources, so each module
# --- is built in a directory of links under runtime/kbuild/ in the build tree.
# --- Owner: kernel runtime.
DDV_LINUX_SRCS = runtime/linux/Kbuild runtime/linux/ddv_internal.h runtime/linux/env_kernel.h \
	runtime/linux/main.c runtime/linux/pack.c runtime/linux/symbols.c runtime/linux/patch.c \
	runtime/linux/dut.c runtime/linux/caller.c runtime/linux/objects.c \
	runtime/linux/log.c runtime/linux/abi.c runtime/linux/scopes.c runtime/linux/scopes.h \
	runtime/linux/devres.c \
	runtime/linux/stubs.S runtime/linux/stubs.h \
	runtime/include/ddv/runtime_msgs.h
EXTRA_DIST += $(DDV_LINUX_SRCS) runtime/linux/README tests/vm/runtime-basic.sh \
	tests/drivers/rt-selftest/Kbuild tests/drivers/rt-selftest/build \
	tests/drivers/rt-selftest/bench-vm tests/drivers/rt-selftest/profile-vm \
	tests/drivers/rt-selftest/rt_selftest.c \
	tests/drivers/rt-selftest/rt_pack.c tests/drivers/rt-selftest/rtctl.c
KBUILD_DIR = $(abs_top_builddir)/runtime/kbuild
KBUILD_MAKE = $(MAKE) -C $(KDIR) DDV_SRCDIR=$(abs_top_srcdir)

.PHONY: modules modules-clean
if HAVE_KERNEL
modules:
	@rm -rf $(KBUILD_DIR)/ddv/core && mkdir -p $(KBUILD_DIR)/ddv/core runtime/linux generated
	@for f in $(abs_top_srcdir)/runtime/linux/Kbuild $(abs_top_srcdir)/runtime/linux/*.[chS]; do \
		ln -sf $$f $(KBUILD_DIR)/ddv/; done
	@for f in $(abs_top_srcdir)/runtime/core/*.c; do \
		case $$f in */env_user.c) ;; *) ln -sf $$f $(KBUILD_DIR)/ddv/core/ ;; esac; done
	$(KBUILD_MAKE) M=$(KBUILD_DIR)/ddv modules
	cp $(KBUILD_DIR)/ddv/ddv.ko runtime/linux/ddv.ko
	@if [ -f $(abs_top_srcdir)/generated/Kbuild ]; then \
		rm -rf $(KBUILD_DIR)/pack && mkdir -p $(KBUILD_DIR)/pack && \
		for f in $(abs_top_srcdir)/generated/*; do ln -sf $$f $(KBUILD_DIR)/pack/; done && \
		echo "  KBUILD   generated/ddv-linux.ko" && \
		$(KBUILD_MAKE) M=$(KBUILD_DIR)/pack \
			KBUILD_EXTRA_SYMBOLS=$(KBUILD_DIR)/ddv/Module.symvers modules && \
		cp $(KBUILD_DIR)/pack/*.ko generated/; \
	else \
		echo "modules: generated/Kbuild missing: the pack module is not built" >&2; exit 1; \
	fi
modules-clean:
	rm -rf $(KBUILD_DIR) runtime/linux/ddv.ko generated/ddv-*.ko
else
modules:
	@echo "modules: no kernel build tree (configure --with-kernel=DIR)" >&2; exit 1
modules-clean:
endif
# --- end of kernel modules

# --- install: ddv.ko, the linux pack and ddv.ko's Module.symvers (the pack ABI's exported
# --- symbols, which modpost needs for a vendor's pack) go to $(pkglibdir)/modules/KVER/,
# --- where `ddv start` looks for the running kernel's (cli/lib/common.c, module_dir).
# --- No depmod: ddv loads them by path. `make install` installs them when `make modules`
# --- built them; `make install-modules` builds them first (it needs the kernel tree).
# --- The SDK ($(pkgdatadir)/sdk, ddv.pc names its places) is laid out as the source tree
# --- is for the generated Kbuild: DDV_SRCDIR=SDK finds runtime/include/ddv/ there.
# --- Owner: install and SDK.
ddvmoduledir = $(pkglibdir)/modules
sdkdir = $(pkgdatadir)/sdk
sdkincdir = $(sdkdir)/runtime/include/ddv
sdkinc_HEADERS = runtime/include/ddv/abi.h runtime/include/ddv/area.h runtime/include/ddv/fastpath.h \
	runtime/include/ddv/limits.h runtime/include/ddv/logrec.h \
	runtime/include/ddv/runtime_msgs.h runtime/include/ddv/slot.h runtime/include/ddv/uapi.h
sdkspecsdir = $(sdkdir)/specs/linux
sdkspecs_DATA = $(DDV_SPECS)
DDV_KO_FILES = runtime/linux/ddv.ko $(KBUILD_DIR)/ddv/Module.symvers

.PHONY: install-modules install-ddv-modules uninstall-ddv-modules
install-data-local: install-ddv-modules
uninstall-local: uninstall-ddv-modules
install-modules:
	$(MAKE) $(AM_MAKEFLAGS) modules
	$(MAKE) $(AM_MAKEFLAGS) install-ddv-modules
if HAVE_KERNEL
install-ddv-modules:
	@if [ -f runtime/linux/ddv.ko ]; then \
		echo " installing ddv.ko and the packs in $(DESTDIR)$(ddvmoduledir)/$(KERNEL_RELEASE)"; \
		$(MKDIR_P) '$(DESTDIR)$(ddvmoduledir)/$(KERNEL_RELEASE)' && \
		$(INSTALL_DATA) $(DDV_KO_FILES) generated/ddv-*.ko \
			'$(DESTDIR)$(ddvmoduledir)/$(KERNEL_RELEASE)/'; \
	else \
		echo "install: ddv.ko is not built: no kernel modules installed" \
			"(make install-modules builds and installs them)"; \
	fi
uninstall-ddv-modules:
	rm -f '$(DESTDIR)$(ddvmoduledir)/$(KERNEL_RELEASE)'/ddv.ko \
		'$(DESTDIR)$(ddvmoduledir)/$(KERNEL_RELEASE)'/ddv-*.ko \
		'$(DESTDIR)$(ddvmoduledir)/$(KERNEL_RELEASE)'/Module.symvers
else
install-ddv-modules:
	@echo "install: no kernel build tree: no kernel modules installed (configure --with-kernel=DIR)"
uninstall-ddv-modules:
endif
# --- end of install
