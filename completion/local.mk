# completion/local.mk: bash completion for ddv and ddvc (included by the top Makefile.am),
# installed where bash-completion looks under the prefix.
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completion/ddv completion/ddvc
TESTS += tests/cli/completion.test
EXTRA_DIST += tests/cli/completion.test
