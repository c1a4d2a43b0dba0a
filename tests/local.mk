# tests/local.mk: the tests part of the build (included by the top Makefile.am).
