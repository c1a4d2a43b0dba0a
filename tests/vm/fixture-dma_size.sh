#!/bin/bash
# fixture-dma_size.sh: VM test: ddv reports dma_free_coherent with another size than dma_alloc_coherent's, and nothing for the twin; the reports' KTAP reads the same through the kernel's parser, their HTML pages through a parser and headless Chromium.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/dma.ddv, dma_free_attrs (dma_free_coherent) against
# the size stored by dma_alloc_attrs.
rule=dma.free-size

if fixture_build; then
	fixture_report_formats
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
		fixture_expect_html dma_size
		check_host "dma_size: HTML: the finding at $site, its stack from the exit" \
			grep -q "^finding $rule dma_size: $site | dma_size_exit+0x[0-9a-f]* \[dma_size\] > " \
			"$vm_work/dma_size.html-shape"
		check_host "dma_size: HTML: the size freed among the objects" \
			grep -q "^objects $rule: size=2048 " "$vm_work/dma_size.html-shape"
		check_host "dma_size: HTML: the reproducer is the session's commands, its load and unload" \
			sh -c "tr '\n' '|' <'$vm_out/dma_size/report.html' |
				grep -q '<pre>ddv start|.*ddv load [^|]*dma_size[^|]*|ddv unload dma_size|'"
		# What a reader sees: Chromium prints the page, pdftotext reads it back.
		chromium --headless --no-sandbox --disable-gpu --no-first-run --no-pdf-header-footer \
			--user-data-dir="$vm_work/chromium" --print-to-pdf="$vm_work/dma_size.pdf" \
			"file://$vm_out/dma_size/report.html" >/dev/null 2>&1
		check_host "dma_size: HTML: Chromium shows the rule and the site" \
			sh -c "pdftotext -layout '$vm_work/dma_size.pdf' - | tr -s ' \n' '  ' |
				grep -qF 'dma_size: $site call dma_free_coherent'"
		fixture_use dma_size_clean
		fixture_expect_clean dma_size_clean
		fixture_expect_ktap dma_size_clean
		check_host "dma_size_clean: KTAP: nothing but the passing session" \
			test "$(grep -c FAILURE "$vm_work/dma_size_clean.ktap-tree")" = 0
		fixture_expect_html dma_size_clean
		check_host "dma_size_clean: HTML: no finding in 1 driver life" \
			grep -qx 'verdict: no finding in 1 driver life, 0 faults injected' \
			"$vm_work/dma_size_clean.html-shape"
	fi
fi
vm_summary
