#!/bin/bash
# fixture-dma_size.sh: VM test: ddv reports dma_free_coherent with another size than dma_alloc_coherent's, and nothing for the twin; the reports' KTAP reads the same through the kernel's parser.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/dma.ddv, dma_free_attrs (dma_free_coherent) against
# the size stored by dma_alloc_attrs.
rule=dma.free-size

if fixture_build; then
	fixture_session dma_size dma_size ok
	fixture_session dma_size_clean dma_size_clean ok
	if fixture_ddv_vm dma; then
		fixture_use dma_size
		fixture_expect_rule dma_size "$rule"
		site=$(fixture_site dma_size dma_free_attrs)
		check_host "dma_size: the finding names the free in exit, $site" \
			test "$(fixture_report_site "$rule" site)" = "$site"
		check_host "dma_size: the finding gives the size freed, 2048" \
			fixture_report_is "any(.[] | select(.rule == \"$rule\");
				.args.size == 2048)"
		fixture_expect_ktap dma_size
		fixture_use dma_size_clean
		fixture_expect_clean dma_size_clean
		fixture_expect_ktap dma_size_clean
		check_host "dma_size_clean: KTAP: nothing but the passing session" \
			test "$(grep -c FAILURE "$vm_work/dma_size_clean.ktap-tree")" = 0
	fi
fi
vm_summary
