# runtime/local.mk: the runtime part of the build (included by the top Makefile.am).
