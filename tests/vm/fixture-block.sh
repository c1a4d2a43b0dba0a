#!/bin/bash
# fixture-block.sh: VM test: block drivers (specs/linux/block.ddv): each blkfx fixture's defect reported as its rule and nothing else, the clean twin without findings, loaded plainly and with add_disk failed by injection.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

# disk_leak's defect is on init's error path, which a failed add_disk reaches.
inject="nth device_add_disk 1"

# blkfx_atomic's calls, every one failed by injection so that none runs (with preemption off):
# each contract's sleep-in-atomic rule once.
atomic_rules=linux.register_blkdev.sleep-in-atomic,linux.blk_mq_alloc_tag_set.sleep-in-atomic
atomic_rules=$atomic_rules,linux.blk_mq_init_queue.sleep-in-atomic,linux.blk_mq_alloc_disk.sleep-in-atomic
atomic_rules=$atomic_rules,linux.blk_mq_alloc_disk_for_queue.sleep-in-atomic,linux.device_add_disk.sleep-in-atomic

# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). Each fixture's disk and major
# are named after it, so a leaked one never meets the next fixture's. The kernel warns of
# two defects itself (ddv.kernel-warning): unregister_blkdev of a major not held (genhd.c,
# through ddv's wrapper), and at exit del_gendisk freeing a request ended twice.
devmodel_cases="
clean blkfx_clean ok - -
clean_addfail blkfx_clean fails inject -
disk_leak blkfx_disk_leak fails inject block.disk-leak
blkdev_leak blkfx_blkdev_leak ok - block.blkdev-leak
blkdev_twice blkfx_blkdev_twice ok - block.unregister-blkdev-unheld,ddv.kernel-warning
tag_set_leak blkfx_tag_set_leak ok - block.tag-set-leak
queue_leak blkfx_queue_leak ok - block.queue-leak
del_unadded blkfx_del_unadded ok - block.del-unadded
end_unstarted blkfx_end_unstarted ok - block.end-unstarted
end_twice blkfx_end_twice ok - block.end-unstarted,ddv.kernel-warning
start_twice blkfx_start_twice ok - block.start-twice
again blkfx_again ok - -
again_unseen blkfx_unseen ok - block.register-blkdev-live,block.alloc-tag-set-live,block.init-queue-live,block.alloc-disk-for-queue-live,block.alloc-disk-live,block.mq-alloc-disk-live
atomic blkfx_atomic ok random $atomic_rules
atomic_clean blkfx_atomic_clean ok random -
"

if fixture_build; then
	devmodel_run block
	# The again fixtures say whether each queue and disk came back at its old address
	# (tests/drivers/blkfx.h), without which a rule made-again-while-live could not fire.
	for m in blkfx_again blkfx_unseen; do
		check_host "block: $m's queue and 3 disks made again at their old addresses" \
			test "$(grep -c "$m: .* made again at its old address" "$vm_out/dmesg.txt")" = 4
	done
fi
vm_summary
