#!/bin/bash
# fixture-dma_size.sh: VM test: ddv reports dma_free_coherent with another size than dma_alloc_coherent's, and nothing for the twin.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: the DMA coherent spec, dma_free_attrs (dma_free_coherent)
# comparing the size against the one stored at dma_alloc_attrs.
rule=dma.free-size

if fixture_build; then
	fixture_ddv_run dma_size dma_size ok &&
		fixture_expect_rule dma_size "$rule"
	fixture_ddv_run dma_size_clean dma_size_clean ok &&
		fixture_expect_clean dma_size_clean
fi
vm_summary
