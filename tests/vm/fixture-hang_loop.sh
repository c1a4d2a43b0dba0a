#!/bin/bash
# fixture-hang_loop.sh: VM test: an injected failure sends hang_loop's error path into an endless loop; ddv reports a hang of the load at that call, the suite goes on; the twin reports nothing.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The finding: the runtime's hang record (runtime_msgs.h, ddv.hang), or the
# ddv command's watchdog; either names the last injected call.
rule=ddv.hang
# Fail the third kmalloc: the unwind loop starts at index 1 and never ends.
inject="nth kmalloc 3"

if fixture_build; then
	# The twin first: a session that hangs must be the VM's last.
	# shellcheck disable=SC2086 # the words of the inject command
	fixture_session hang_loop_clean hang_loop_clean fails $inject
	# shellcheck disable=SC2086
	fixture_session hang_loop hang_loop hangs $inject
	if fixture_ddv_vm hang; then
		fixture_use hang_loop_clean
		fixture_expect_injected hang_loop_clean
		fixture_expect_clean hang_loop_clean
		fixture_use hang_loop
		fixture_expect_injected hang_loop
		fixture_expect_rule hang_loop "$rule"
		# The runtime's record gives the site, the command's watchdog the
		# last fault: whichever reported the hang must name the call.
		site=$(fixture_site hang_loop kmalloc_trace)
		if fixture_report_has 'any(.[]; .rule == "ddv.hang" and .last_fault)'; then
			check_host "hang_loop: the hang names the injected call, kmalloc at $site" \
				fixture_report_is "any(.[] | select(.rule == \"$rule\");
					.last_fault == \"kmalloc at $site\")"
		else
			check_host "hang_loop: the hang names the injected call, kmalloc at $site" \
				test "$(fixture_report_site "$rule" site)" = "$site"
		fi
	fi
fi
vm_summary
