# vm/local.mk: the VM rig (included by the top Makefile.am): installed for `ddv vm`, shipped in the tarball.
# vm/run finds fetch-kernel and guest-init beside itself; the CLI finds vm/run in $(vmdir).
vmdir = $(pkglibexecdir)/vm
dist_vm_SCRIPTS = vm/run vm/fetch-kernel
dist_vm_DATA = vm/guest-init
EXTRA_DIST += vm/README vm/ddv-pieces.sh
EXTRA_DIST += tests/vm
