#!/bin/bash
# fixture-campaign.sh: VM test: ddv campaign exhaustive finds each of issue 4's seeded error-path defects, prints the command that reproduces it, survives a hang and an oops, and finds nothing in the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# findings_on LABEL LOADS...: exactly these loads of the campaign had findings.
findings_on() {
	local label=$1 got
	shift
	got=$(sed -nE 's/^load ([0-9]+): .*, [1-9][0-9]* findings?$/\1/p' \
		"$fixture_campaign_out" | tr '\n' ' ')
	if [ "$got" = "$* " ]; then
		pass "$label: findings on load(s) $* only"
	else
		fail "$label: findings on load(s) $* only" "got: ${got:-none}"
	fi
}

# site_re MODULE SYMBOL [NTH]: fixture_site as an extended regex.
site_re() {
	fixture_site "$@" | sed 's/[+.]/\\&/g'
}

# site_in_re MODULE FUNCTION SYMBOL NTH: fixture_site_in as an extended regex.
site_in_re() {
	fixture_site_in "$@" | sed 's/[+.]/\\&/g'
}

# twin_clean LABEL LOADS: the twin's campaign tried every call and found nothing.
twin_clean() {
	fixture_use "$1"
	fixture_expect_campaign "$1" 0 || return
	fixture_campaign_says "$1" "$2 loads, no finding" \
		"^campaign $1: $2 loads, $2 faults injected, .* 0 findings$"
	fixture_expect_clean "$1"
}

if ! fixture_build; then
	vm_summary
	exit
fi

if ddv_pieces; then
	fixture_campaign unwind_leak unwind_leak
	fixture_campaign unwind_leak_clean unwind_leak_clean
	fixture_campaign double_free double_free
	fixture_campaign double_free_clean double_free_clean
	# Without loop pruning the loop's 10,000 allocations are 10,000 loads;
	# the issue asks for a few dozen, so the campaign gets 60.
	fixture_campaign alloc_loop alloc_loop --max 60
	fixture_campaign missing_unregister_clean missing_unregister_clean
	# Last: the PCI driver it leaves registered stays for the rest of the VM,
	# and no later load can register it again: a load with no call to fail
	# must end the campaign (ddv(8)), --max only bounds it if it does not.
	fixture_campaign missing_unregister missing_unregister --max 8
fi
if fixture_ddv_vm campaign; then
	fixture_use unwind_leak
	if fixture_expect_campaign unwind_leak 3; then
		findings_on unwind_leak 3
		fixture_campaign_says unwind_leak "the leak is heap.leak, first on load 3" \
			'^  heap\.leak at .*: 1 load, first load 3 '
		# The driver's own frames are named only while something names a gone
		# driver's text (else "?"); the kernel's always are.
		fixture_campaign_says unwind_leak "with the clean load's stack at its allocation site" \
			"^    allocation stack \\(the clean load's only one there\\): .* > do_one_initcall\\+0x[0-9a-f]+ > "
		fixture_campaign_says unwind_leak "prints the command that reproduces it" \
			'reproduce: ddv inject nth-any 3; ddv load unwind_leak$'
		fixture_campaign_says unwind_leak "5 loads: each of the 5 calls failed once" \
			'^campaign unwind_leak: 5 loads, 5 faults injected'
	fi
	twin_clean unwind_leak_clean 5

	fixture_use double_free
	if fixture_expect_campaign double_free 3; then
		# Each descriptor failure (the even calls) frees its ring twice.
		findings_on double_free 2 4 6 8
		fixture_campaign_says double_free "the cleanup loop's vfree, vmem.double-free" \
			"^  vmem\.double-free at $(site_in_re double_free rings_cleanup vfree 1): 4 loads, first load 2 "
		fixture_campaign_says double_free "prints the command that reproduces it" \
			'reproduce: ddv inject nth-any 2; ddv load double_free$'
	fi
	twin_clean double_free_clean 8

	fixture_use alloc_loop
	if fixture_expect_campaign alloc_loop 3; then
		fixture_campaign_says alloc_loop "the loop's leak, heap.leak" \
			"^  heap\.leak at $(site_re alloc_loop kmalloc_trace): "
		fixture_campaign_says alloc_loop "ends by itself within a few dozen loads (loop pruning)" \
			'^campaign alloc_loop: [0-9]+ loads, .*findings?$'
		fixture_campaign_says alloc_loop "loop pruning saved loads" \
			'loads planned .*\([1-9][0-9]* saved by loop pruning\)'
	fi

	twin_clean missing_unregister_clean 3
	fixture_use missing_unregister
	if fixture_expect_campaign missing_unregister 3; then
		findings_on missing_unregister 3
		fixture_campaign_says missing_unregister "the driver left registered, pci.driver-leak at the registration" \
			"^  pci\.driver-leak at $(site_re missing_unregister __pci_register_driver): 1 load, first load 3 "
		fixture_campaign_says missing_unregister "prints the command that reproduces it" \
			'reproduce: ddv inject nth-any 3; ddv load missing_unregister$'
		fixture_campaign_says missing_unregister "tries the 3 fallible calls and ends" \
			'^campaign missing_unregister: 3 loads, .*findings?$'
	fi
fi

# A hang ends a campaign in this VM: the module is stuck in its init.
if ddv_pieces; then
	fixture_campaign hang_loop_clean hang_loop_clean --timeout 20
	fixture_campaign hang_loop hang_loop --timeout 20
fi
if fixture_ddv_vm campaign-hang; then
	twin_clean hang_loop_clean 4
	fixture_use hang_loop
	if fixture_expect_campaign hang_loop 5; then
		site=$(site_re hang_loop kmalloc_trace)
		fixture_campaign_says hang_loop "records the hang against the injected call" \
			"(hang|HANG).*$site|$site.*(hang|HANG)"
		fixture_campaign_says hang_loop "says why it stops" \
			'^campaign stops: hang_loop is stuck in its init'
		fixture_expect_rule hang_loop ddv.hang
	fi
fi

# So does an oops.
if ddv_pieces; then
	fixture_campaign oops_null_clean oops_null_clean
	fixture_campaign oops_null oops_null --max 3
fi
if fixture_ddv_vm campaign-oops; then
	twin_clean oops_null_clean 1
	fixture_use oops_null
	# Its one fallible call is the last planned load: the campaign ends (3),
	# it does not stop half way (5).
	if fixture_expect_campaign oops_null 3; then
		site=$(site_re oops_null kmalloc_trace)
		fixture_campaign_says oops_null "records the oops against the injected call" \
			"(crash|oops|Oops).*$site|$site.*(crash|oops|Oops)"
		fixture_campaign_says oops_null "reports the crash with its reproducing command" \
			'^    reproduce: ddv inject nth-any 1; ddv load oops_null$'
		fixture_campaign_says oops_null "tried its one planned load" \
			'^  loads tried +1 of 1$'
	fi
fi
vm_summary
