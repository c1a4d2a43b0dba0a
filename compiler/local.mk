# compiler/local.mk: the compiler part of the build (included by the top Makefile.am).
