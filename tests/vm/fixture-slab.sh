#!/bin/bash
# fixture-slab.sh: VM test: slab caches (a cache leaked, destroyed busy, an object freed to another cache or never allocated from one) and the kernel's string allocators (kasprintf, kvasprintf, kstrndup, kstrdup_const, kfree_sensitive: blocks the driver frees, made inside the kernel) and the rest of the small allocators (vcalloc, alloc_pages_exact, kvfree_sensitive); each defect its rule and nothing else, each twin clean; a __GFP_NOFAIL allocation and a kthread's interruptible wait are never failed, nor planned by a campaign.
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
nofail slabfx_nofail fails random heap.leak
nofail_clean slabfx_nofail_clean fails random -
kwait slabfx_kwait ok plan+caller=slabfx_kwait:sf_wait+rate=100 -
"

# slabfx_nofail: fails only the kmalloc without __GFP_NOFAIL (fails NULL if !(flags &
# __GFP_NOFAIL), specs/linux/heap.ddv): its recording has one fallible call, not two.
nofail_campaign() {
	fixture_use slabfx_nofail
	fixture_expect_campaign slabfx_nofail 3 || return
	fixture_campaign_says slabfx_nofail "the recording lists the one call that can fail" \
		'^campaign slabfx_nofail: [0-9]+ calls traced, 1 fallible; 1 loads planned'
	fixture_campaign_says slabfx_nofail "the trusted __GFP_NOFAIL block leaks there, heap.leak" \
		'^  heap\.leak at .*: 1 load, first load 1 '
}

if fixture_build; then
	fixture_campaign slabfx_nofail slabfx_nofail
	devmodel_run slab
	nofail_campaign
	for label in nofail nofail_clean; do
		fixture_use $label
		check_host "$label: one fault injected of two allocations, not the __GFP_NOFAIL one" \
			fixture_report_is 'map(select(.summary))[0].summary.faults_injected == 1'
	done
	# -ERESTARTSYS (-512) for the loader, a user task; the kthread lets no signal in.
	check_host "kwait: the kthread's interruptible wait is not failed, the loader's is" \
		grep -q 'slabfx_kwait: kthread wait 0, loader wait -512' "$vm_out/dmesg.txt"
fi
vm_summary
