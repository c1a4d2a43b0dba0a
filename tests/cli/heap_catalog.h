/*
 * heap_catalog.h: the message catalog lines of a small linux pack (heap's
 * kmalloc and kfree, a double free, a leak, a traced call) that the decoder's
 * tests and the fuzzer's seeds both read; each adds its last message line.
 */
#ifndef DDV_TESTS_HEAP_CATALOG_H
#define DDV_TESTS_HEAP_CATALOG_H

#define HEAP_CATALOG_LINES \
	"# ddv message catalog 1\n" \
	"pack linux 1.0\n" \
	"type 0 heap fields=size states=-\n" \
	"func 0 kmalloc_trace kmalloc specs/linux/heap.ddv:30:1 args=s,flags,size ret=ptr\n" \
	"func 1 kfree kfree specs/linux/heap.ddv:50:1 args=p ret=void\n" \
	"msg 1 heap.double-free error specs/linux/heap.ddv:52:5 args=p double free of {p}\n" \
	"msg 2 heap.leak error specs/linux/heap.ddv:31:9 args=key,size leaked {size} bytes at {key}\n" \
	"msg 3 heap.trace-call note specs/linux/heap.ddv:30:1 args=size kmalloc({size})\n"

#endif
