# runtime/local.mk: the runtime part of the build (included by the top Makefile.am).

# --- runtime core (user space): libddvcore.a, the portable core that ddv.ko also
# --- compiles; the ddv command and the tests link it. Owner: runtime core.
RUNTIME_CORE_HEADERS = runtime/core/env.h runtime/core/store.h runtime/core/bloom.h \
	runtime/core/config.h runtime/core/logring.h runtime/core/inject.h \
	runtime/include/ddv/logrec.h runtime/include/ddv/abi.h runtime/include/ddv/uapi.h
noinst_LIBRARIES += runtime/core/libddvcore.a
runtime_core_libddvcore_a_CFLAGS = $(AM_CFLAGS) -O2
runtime_core_libddvcore_a_SOURCES = $(RUNTIME_CORE_HEADERS) runtime/core/env_user.c \
	runtime/core/store.c runtime/core/config.c runtime/core/logring.c runtime/core/inject.c
EXTRA_DIST += scripts/bench-runtime
# --- end of runtime core
