#!/bin/bash
# fixture-oops_null.sh: VM test: an injected allocation failure makes oops_null oops in its init; ddv must report it against the injected call; the twin reports nothing.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# No rule of specs/linux describes an oops: it is the runtime's or the ddv
# command's to report, as it reports a hang (ddv.hang). Any rule id will do
# here, as long as the finding is an error about oops_null that names the
# injected call.
inject="nth kmalloc 1"

if fixture_build; then
	# shellcheck disable=SC2086 # the words of the inject command
	fixture_session oops_null_clean oops_null_clean fails $inject
	# shellcheck disable=SC2086
	fixture_session oops_null oops_null oopses $inject
	if fixture_ddv_vm oops; then
		fixture_use oops_null_clean
		fixture_expect_injected oops_null_clean
		fixture_expect_clean oops_null_clean
		fixture_use oops_null
		fixture_expect_injected oops_null
		fixture_report_sound oops_null
		site=$(fixture_site oops_null kmalloc_trace)
		check_host "oops_null: an error finding reports the oops after the fault injected at $site" \
			fixture_report_is "any(.[]; .severity == \"error\" and
				.driver == \"oops_null\" and
				((.last_fault // \"\") + \" \" + (.message // \"\") |
					contains(\"$site\")))"
	fi
fi
vm_summary
