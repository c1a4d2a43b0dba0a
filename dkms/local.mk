# dkms/local.mk: the DKMS source tree (included by the top Makefile.am). `make dkms-source`
# lays out ddv.ko's and the linux pack's sources as ddv's tree has them (the core's sources
# also under runtime/linux/core/, where runtime/linux/Kbuild builds them), with dkms.conf and
# a Makefile, in $(DESTDIR)$(DKMS_SOURCE_DIR) (DKMS's /usr/src/ddv-VERSION); then
# `dkms install ddv/VERSION` builds and installs them for a kernel (ddv(8), DKMS).
DKMS_SOURCE_DIR = /usr/src/$(PACKAGE)-$(PACKAGE_VERSION)
EXTRA_DIST += dkms/dkms.conf.in dkms/Makefile.dkms

.PHONY: dkms-source
dkms-source:
	@test -f $(abs_top_srcdir)/generated/Kbuild || \
		{ echo "dkms-source: generated/Kbuild missing" >&2; exit 1; }
	rm -rf '$(DESTDIR)$(DKMS_SOURCE_DIR)'
	$(MKDIR_P) '$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/linux/core' \
		'$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/core' \
		'$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/include/ddv' \
		'$(DESTDIR)$(DKMS_SOURCE_DIR)/generated'
	cd $(abs_top_srcdir) && \
	$(INSTALL_DATA) runtime/linux/Kbuild runtime/linux/*.[chS] \
		'$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/linux/' && \
	$(INSTALL_DATA) runtime/core/*.h '$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/core/' && \
	for f in runtime/core/*.c; do \
		case $$f in */env_user.c) ;; \
		*) $(INSTALL_DATA) $$f '$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/linux/core/' && \
		   $(INSTALL_DATA) $$f '$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/core/' ;; esac; \
	done && \
	$(INSTALL_DATA) runtime/include/ddv/*.h '$(DESTDIR)$(DKMS_SOURCE_DIR)/runtime/include/ddv/' && \
	$(INSTALL_DATA) generated/Kbuild generated/*.c '$(DESTDIR)$(DKMS_SOURCE_DIR)/generated/' && \
	$(INSTALL_DATA) dkms/Makefile.dkms '$(DESTDIR)$(DKMS_SOURCE_DIR)/Makefile' && \
	sed 's/[@]PACKAGE_VERSION[@]/$(PACKAGE_VERSION)/' dkms/dkms.conf.in \
		>'$(DESTDIR)$(DKMS_SOURCE_DIR)/dkms.conf'
# The tree built by Debian's dkms against the configured kernel (needs dkms: setup-debian).
TESTS += tests/dkms.test
EXTRA_DIST += tests/dkms.test
