# cli/local.mk: the cli part of the build (included by the top Makefile.am).
