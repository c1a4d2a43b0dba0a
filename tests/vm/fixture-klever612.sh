#!/bin/bash
# fixture-klever612.sh: VM test: fixture-klever's fixtures, the dmares ones (fixture-dmasg.sh) and the managed PCI ones (fixture-managed.sh) on Debian's 6.12, with ddv and its pack built for 6.12 (6.12's names under one API: __dma_sync_single_*, _find_next_bit, the pcim devres rework).
#
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"
. "$vm_top/tests/vm/fixtures612-lib.sh"

fixtures=$(cd "$vm_top/tests/drivers" && ls kl_*.c dmares_*.c pcibar_pcim_*.c | sed 's/\.c$//' | tr '\n' ' ')

# shellcheck disable=SC2086 # one module a word
fixtures612_build klever-fixtures $fixtures

inject=
# fixture-klever.sh's cases, then fixture-dmasg.sh's dmares and fixture-managed.sh's pcibar_pcim
# ones. 6.11's devres rework made pcim_iounmap of a mapping pcim_iomap did not make a no-op (no
# unmap, no warning): pcim_unmapped's pci_iomap mapping then stays, a leak at unload.
devmodel_cases="$(sed -n "/^devmodel_cases='/,/^'/p" "$vm_top/tests/vm/fixture-klever.sh" | sed '1d;$d')
$(grep '^res_\|^sync_size\|^sync_single' "$vm_top/tests/vm/fixture-dmasg.sh")
pcim_iounmap pcibar_pcim_iounmap ok - pci.iounmap-pcim
pcim_iounmap_clean pcibar_pcim_iounmap_clean ok - -
pcim_unmapped pcibar_pcim_unmapped ok - pci.pcim-iounmap-unmapped,pci.iomap-leak
pcim_unmapped_clean pcibar_pcim_unmapped_clean ok - -
$(grep '^pcim_atomic' "$vm_top/tests/vm/fixture-managed.sh")
"

devmodel_run klever612
vm_summary
