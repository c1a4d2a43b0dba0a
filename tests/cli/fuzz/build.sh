#!/bin/sh
# build.sh: builds the libFuzzer harnesses of the ddv command (fuzz_decode: ddv log and ddv
# report over a state directory; fuzz_yaml: the YAML loader) with clang (ASan + UBSan) into
# OUTDIR. clang comes with scripts/setup-debian --fuzz. README says how to run them.
# usage: tests/cli/fuzz/build.sh SRCDIR OUTDIR
set -e
src=$(cd "$1" && pwd)
out=$2
mkdir -p "$out/obj"
printf '#define PACKAGE_VERSION "fuzz"\n' > "$out/config.h"
# What configure passes the command on the command line (cli/local.mk's CLI_CPPFLAGS).
printf '#define DDV_%s "/nonexistent"\n' MODULEDIR KERNEL_RELEASE BINDIR VMDIR > "$out/paths.h"
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE
	-include $out/paths.h
	-I$out -I$src -I$src/runtime/include -I$src/runtime/core -I$src/cli/lib -I$src/cli/cmd
	$(pkg-config --cflags libelf libdw libkmod yaml-0.1)"
LIBS="$(pkg-config --libs libelf libdw libkmod yaml-0.1) -llzma -lpthread"
# The library as the ddv command links it, instrumented: cli/lib, lib/caret.c, the runtime core.
for f in "$src"/cli/lib/*.c "$src"/lib/caret.c "$src"/runtime/core/env_user.c "$src"/runtime/core/store.c \
	 "$src"/runtime/core/config.c "$src"/runtime/core/logring.c "$src"/runtime/core/inject.c \
	 "$src"/cli/cmd/cmd_log.c "$src"/tests/cli/fuzz/fuzz_decode.c "$src"/tests/cli/fuzz/fuzz_yaml.c; do
	# shellcheck disable=SC2086 # flags, one a word
	clang $CFLAGS -c "$f" -o "$out/obj/$(basename "$f" .c).o"
done
lib=$(ls "$out"/obj/*.o | grep -v -e /fuzz_ -e /cmd_log.o)
# shellcheck disable=SC2086
clang $CFLAGS -o "$out/fuzz_decode" "$out/obj/fuzz_decode.o" "$out/obj/cmd_log.o" $lib $LIBS
# shellcheck disable=SC2086
clang $CFLAGS -o "$out/fuzz_yaml" "$out/obj/fuzz_yaml.o" $lib $LIBS
echo "$out/fuzz_decode $out/fuzz_yaml"
# The seed generator, plain: its inputs are the state directories of real sessions.
cc -O1 -I"$src/runtime/include" -I"$src/runtime/core" -o "$out/seeds_decode" \
	"$src/tests/cli/fuzz/seeds_decode.c" "$src/runtime/core/logring.c" "$src/runtime/core/env_user.c"
