/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stubs.S: the pool of tail-call stubs. A jmp/jcc site that tail-calls an API
 * is redirected to a stub; the stub calls the wrapper and returns, so the
 * wrapper's return address (inside the stub) names the site exactly. Each
 * stub's call target is set at run time (target.c); until then it calls
 * ddv_stub_unset. Every stub is DDV_STUB_SIZE (16) bytes (stubs.h), so stub i lies at
 * ddv_stub_pool_start + 16 * i. Only patched direct jumps reach a stub, never
 * an indirect branch: with IBT (6.12's X86_KERNEL_IBT) they need no ENDBR, and
 * ANNOTATE_NOENDBR tells objtool so.
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include "stubs.h"

	.altmacro
	.macro DDV_STUB n
	.p2align 4, 0xcc
	.type ddv_stub_\n, @function
ddv_stub_\n:
	ANNOTATE_NOENDBR
	call ddv_stub_unset
	RET
	.size ddv_stub_\n, . - ddv_stub_\n
	.endm

	.text
	.p2align 4, 0xcc
	.globl ddv_stub_pool_start
ddv_stub_pool_start:
	ANNOTATE_NOENDBR
	.set i, 0
	.rept DDV_NSTUBS
	DDV_STUB %i
	.set i, i + 1
	.endr
	.p2align 4, 0xcc
	.globl ddv_stub_pool_end
ddv_stub_pool_end:
	/* An instruction for the end label to annotate; never run. */
	ANNOTATE_NOENDBR
	int3
