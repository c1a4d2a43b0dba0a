#!/bin/sh
# build.sh: builds the libFuzzer harness of ddvc's front end with clang (ASan + UBSan) into DIR.
# clang comes with scripts/setup-debian --fuzz.
# usage: tests/compiler/fuzz/build.sh SRCDIR OUTDIR
set -e
src=$(cd "$1" && pwd)
out=$2
mkdir -p "$out/compiler"
flex -o "$out/compiler/lexer.c" "$src/compiler/lexer.l"
bison -d -Wno-yacc -o "$out/compiler/parser.c" "$src/compiler/parser.y"
printf '#define PACKAGE_VERSION "fuzz"\n#define DDV_SPECSDIR "/nonexistent"\n' > "$out/config.h"
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$src -I$src/runtime/include -I$out"
# Every pass of ddvc (compiler/*.c) but its main(), which the harness replaces.
for f in "$out/compiler/lexer.c" "$out/compiler/parser.c" $(ls "$src"/compiler/*.c | grep -v '/main\.c$') \
	 "$src"/lib/caret.c "$src"/tests/compiler/fuzz/fuzz_frontend.c; do
	clang $CFLAGS -c "$f" -o "$out/$(basename "$f" .c).o"
done
clang $CFLAGS -o "$out/fuzz_frontend" "$out"/*.o
echo "$out/fuzz_frontend"
