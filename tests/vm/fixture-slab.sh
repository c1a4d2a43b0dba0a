#!/bin/bash
# fixture-slab.sh: VM test: slab caches (a cache leaked, destroyed busy, an object freed to another cache or never allocated from one) and the kernel's string allocators (kasprintf, kvasprintf, kstrndup, kstrdup_const, kfree_sensitive: blocks the driver frees, made inside the kernel) and the rest of the small allocators (vcalloc, alloc_pages_exact, kvfree_sensitive); each defect its rule and nothing else, each twin clean.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

atomic_rules=heap.kasprintf-sleep-in-atomic,heap.cache-alloc-sleep-in-atomic
# heapfx (tests/drivers/heapfx.h): each allocator's check of its GFP flags in atomic context,
# and each one's block allocated again at an address ddv holds live.
heap_atomic_rules=heap.sleep-in-atomic,heap.node-sleep-in-atomic,heap.krealloc-sleep-in-atomic,\
heap.kstrdup-sleep-in-atomic,heap.kmemdup-sleep-in-atomic,heap.devm-sleep-in-atomic,\
pages.sleep-in-atomic,pages.zeroed-sleep-in-atomic,pages.alloc-pages-sleep-in-atomic
heap_again_rules=heap.alloc-live,heap.node-alloc-live,heap.krealloc-live,heap.kstrdup-live,\
heap.kmemdup-live,heap.kvmalloc-live,pages.alloc-live,pages.zeroed-live,\
vmem.alloc-live,vmem.zalloc-live,vmem.kvmalloc-live
# allocfx (tests/drivers/allocfx.h): vcalloc, alloc_pages_exact and kvfree_sensitive.
alloc_atomic_rules=pages.exact-sleep-in-atomic,linux.vcalloc.sleep-in-atomic,\
linux.kvfree_sensitive.sleep-in-atomic
alloc_unseen_rules=pages.exact-double-free,heap.kvfree-sensitive-double-free,\
vmem.kvfree-sensitive-double-free

# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh).
devmodel_cases="
cache_leak slabfx_cache_leak ok - heap.cache-leak
cache_leak_clean slabfx_cache_leak_clean ok - -
cache_busy slabfx_cache_busy ok - heap.cache-destroy-busy,heap.slab-leak
cache_busy_clean slabfx_cache_busy_clean ok - -
free_other slabfx_free_other ok - heap.slab-free-other
free_other_clean slabfx_free_other_clean ok - -
free_unknown slabfx_free_unknown ok - heap.slab-double-free,heap.leak
free_unknown_clean slabfx_free_unknown_clean ok - -
destroy_unknown slabfx_destroy_unknown ok - heap.cache-destroy-unknown
destroy_unknown_clean slabfx_destroy_unknown_clean ok - -
sensitive slabfx_sensitive ok - heap.sensitive-double-free
sensitive_clean slabfx_sensitive_clean ok - -
kasprintf_leak slabfx_kasprintf_leak ok - heap.leak
kasprintf_leak_clean slabfx_kasprintf_leak_clean ok - -
again slabfx_again ok - heap.slab-live,heap.cache-destroy-busy
again_clean slabfx_again_clean ok - -
atomic slabfx_atomic ok plan+caller=slabfx_atomic:sf_atomic+rate=100 $atomic_rules
atomic_clean slabfx_atomic_clean ok plan+caller=slabfx_atomic_clean:sf_atomic+rate=100 -
alloc_leak allocfx_leak fails nth+kmalloc+1 pages.exact-leak,vmem.leak
alloc_leak_clean allocfx_leak_clean fails nth+kmalloc+1 -
alloc_size allocfx_size ok - pages.exact-free-size
alloc_size_clean allocfx_size_clean ok - -
alloc_unseen allocfx_unseen ok - $alloc_unseen_rules
alloc_unseen_clean allocfx_unseen_clean ok - -
alloc_atomic allocfx_atomic ok plan+caller=allocfx_atomic:af_atomic+rate=100 $alloc_atomic_rules
alloc_atomic_clean allocfx_atomic_clean ok plan+caller=allocfx_atomic_clean:af_atomic+rate=100 -
alloc_again allocfx_again ok - pages.exact-live,vmem.vcalloc-live
alloc_again_clean allocfx_again_clean ok - -
heap_atomic heapfx_atomic ok plan+caller=heapfx_atomic:hf_atomic+rate=100 $heap_atomic_rules
heap_atomic_clean heapfx_atomic_clean ok plan+caller=heapfx_atomic_clean:hf_atomic+rate=100 -
heap_again heapfx_again ok - $heap_again_rules
heap_again_clean heapfx_again_clean ok - -
heap_unseen heapfx_unseen ok - heap.kvfree-double-free,vmem.kvfree-double-free,pages.double-free,heap.krealloc-unknown
heap_unseen_clean heapfx_unseen_clean ok - -
heap_order heapfx_order ok - pages.free-order,pages.order
heap_order_clean heapfx_order_clean ok - -
heap_queued heapfx_queued ok - heap.free-queued-work
heap_queued_clean heapfx_queued_clean ok - -
heap_vleak heapfx_vleak fails nth+kmalloc+1 vmem.leak
heap_vleak_clean heapfx_vleak_clean fails nth+kmalloc+1 -
"

if fixture_build; then
	devmodel_run slab
fi
vm_summary
