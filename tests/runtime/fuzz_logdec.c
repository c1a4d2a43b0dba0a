// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_logdec.c: libFuzzer harness for the log decoder (not part of make check):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iruntime/include -Iruntime/core \
 *     tests/runtime/fuzz_logdec.c runtime/core/logring.c runtime/core/env_user.c -o fuzz_logdec
 *   ./fuzz_logdec -max_total_time=600
 * Checks beyond "no crash": the decoder ends, advances, and never reports more
 * records than the input has bytes or skips more bytes than it was given.
 */
#include <stdlib.h>
#include "logring.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct ddv_logrec r;
	struct logdec d;
	size_t steps = 0;
	int ret;

	logdec_init(&d, data, len);
	while ((ret = logdec_next(&d, &r)) != 0) {
		if ((ret != 1 && ret != -EPROTO) || ++steps > len + 1)
			abort();
		if (ret == 1 && (r.nargs > DDV_LOG_MAX_ARGS || r.kind > DDV_LOGREC_DROP))
			abort();
	}
	if (d.records > len || d.skipped_bytes > len)
		abort();
	return 0;
}
