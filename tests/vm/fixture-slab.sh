#!/bin/bash
# fixture-slab.sh: VM test: slab caches (a cache leaked, destroyed busy, an object freed to another cache or never allocated from one) and the kernel's string allocators (kasprintf, kvasprintf, kstrndup, kstrdup_const, kfree_sensitive: blocks the driver frees, made inside the kernel); each defect its rule and nothing else, each twin clean.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

atomic_rules=heap.kasprintf-sleep-in-atomic,heap.cache-alloc-sleep-in-atomic

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
"

if fixture_build; then
	devmodel_run slab
fi
vm_summary
