#!/bin/bash
# fixtures612.sh: VM test: on Debian's 6.12, with ddv and its pack built for 6.12, in one boot: fixture-sched's fixtures and twins (the symbols of both kernels under one API) with srcline_leak's source lines; fixture-klever's fixtures, the dmares ones (fixture-dmasg.sh) and the managed PCI ones (fixture-managed.sh) (6.12's names under one API: __dma_sync_single_*, _find_next_bit, the pcim devres rework); fixture-devclass's (class_create and the const class prototypes of 6.4 and up, the variadic wrappers' forwarding).
#
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
#
# One boot and one build for the three sets (each was a scenario of its own: three boots,
# three builds of the fixtures); each set's cases keep their labels and their judging.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"
. "$vm_top/tests/vm/fixtures612-lib.sh"
. "$vm_top/tests/vm/sched-lib.sh"
. "$vm_top/tests/vm/devclass-lib.sh"

fixtures="$sched_fixtures srcline_leak srcline_leak_clean
	$(cd "$vm_top/tests/drivers" && ls kl_*.c dmares_*.c pcibar_pcim_*.c devclass_*.c |
		sed 's/\.c$//' | tr '\n' ' ')"

# shellcheck disable=SC2086 # one module a word
fixtures612_build fixtures $fixtures

# fixture-klever.sh's cases, then fixture-dmasg.sh's dmares and fixture-managed.sh's pcibar_pcim
# ones. 6.11's devres rework made pcim_iounmap of a mapping pcim_iomap did not make a no-op (no
# unmap, no warning): pcim_unmapped's pci_iomap mapping then stays, a leak at unload.
klever_cases="$(sed -n "/^devmodel_cases='/,/^'/p" "$vm_top/tests/vm/fixture-klever.sh" | sed '1d;$d')
$(grep '^res_\|^sync_size\|^sync_single' "$vm_top/tests/vm/fixture-dmasg.sh")
pcim_iounmap pcibar_pcim_iounmap ok - pci.iounmap-pcim
pcim_iounmap_clean pcibar_pcim_iounmap_clean ok - -
pcim_unmapped pcibar_pcim_unmapped ok - pci.pcim-iounmap-unmapped,pci.iomap-leak
pcim_unmapped_clean pcibar_pcim_unmapped_clean ok - -
$(grep '^pcim_atomic' "$vm_top/tests/vm/fixture-managed.sh")
"
# fixture-devclass.sh's; again_unseen makes no workqueue again here (devclass.h: 6.12 frees
# it on another CPU).
devclass612_cases=$(sed 's/^\(again_unseen devclass_again_unseen ok - \)timer\.workqueue-alloc-live,/\1/' <<<"$devclass_cases")

# The sessions, in one guest: fixture-sched's first, which must leave the kernel without a
# splat (the guest reads its log right after them: the klever and devclass defects may WARN
# later); srcline_leak's; fixture-klever's in their order (rtnl_held leaves the RTNL locked
# until rtnl_release); fixture-devclass's.
sched_queue
# shellcheck disable=SC2016 # the guest expands it
fixture_sessions=$fixture_sessions'check "sched: the console shows no splat" sh -c "! dmesg | grep -E '"'"'Oops|BUG:|WARNING:|general protection|Call Trace|soft lockup|hung_task|Kernel panic'"'"'"
'
# Source lines on 6.12 too (issue 14; stack-names.sh on 6.1): srcline_leak's
# leak, allocated in an inlined helper, and its twin.
fixture_session srcline_leak srcline_leak ok
fixture_session srcline_leak_clean srcline_leak_clean ok
inject='' devmodel_cases=$klever_cases
devmodel_queue
inject=$devclass_inject devmodel_cases=$devclass612_cases
devmodel_queue
fixture_sessions=$fixture_sessions$devmodel_dmesg

if fixture_ddv_vm fixtures612; then
	# fixture-sched.sh's judging (its splat check is the guest's, above).
	sched_judge

	if [ -f "$vm_out/srcline_leak/report.json" ]; then
		fixture_use srcline_leak
		fixture_expect_rule srcline_leak heap.leak
		fixture_use srcline_leak_clean
		fixture_expect_clean srcline_leak_clean
		helper=$(grep -n "SRCLINE: helper's call" "$vm_top/tests/drivers/srcline_leak.c" | cut -d: -f1)
		caller=$(grep -n 'SRCLINE: init calls the helper' "$vm_top/tests/drivers/srcline_leak.c" |
			cut -d: -f1)
		check_host "srcline_leak: the leak's call is srcline_leak.c:$helper inlined into init at :$caller" \
			jq -se --argjson h "$helper" --argjson c "$caller" '
				map(select(.rule == "heap.leak"))[0].allocation_site.source.inlined |
				map(select(.file | endswith("/srcline_leak.c"))) |
				. == [{function: "srcline_get", file: .[0].file, line: $h},
				      {function: "srcline_leak_init", file: .[0].file, line: $c}]' \
			"$vm_out/srcline_leak/report.json"
	else
		fail "srcline_leak: its session ran" "no report came back"
	fi

	devmodel_sound fixtures612
	# fixture-klever's, fixture-dmasg's and fixture-managed's cases.
	devmodel_cases=$klever_cases
	devmodel_judge
	# fixture-devclass's; 6.4 made class_create() the exported symbol (6.1 exports
	# __class_create).
	devmodel_cases=$devclass612_cases
	devmodel_judge
	devclass_judge_sites class_create
fi
vm_summary
