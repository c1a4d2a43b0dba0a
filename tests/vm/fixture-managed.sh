#!/bin/bash
# fixture-managed.sh: VM test: device-managed (devm) memory: ddv follows devres's release at unbind and after a failed probe (a timer left pending inside is reported there), kfree() of devm memory, free_irq() of a devm IRQ, dma_free_coherent() of a dmam buffer, iounmap() of a devm_ioremap() mapping, pci_iounmap() of a pcim one, the unmanaged ones given to devm_iounmap()/pcim_iounmap(), a devm action left on a device that outlives the driver; the clean twins without findings.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

inject=
# managed_atomic's sleeping calls with preemption off, failed by injection but devm_iounmap
# (of NULL: the kernel WARNs that it is no devres entry, within that call, and unmaps nothing).
atomic_rules=linux.devm_ioremap.sleep-in-atomic,linux.devm_ioremap_resource.sleep-in-atomic
atomic_rules=$atomic_rules,linux.devm_platform_ioremap_resource.sleep-in-atomic
atomic_rules=$atomic_rules,linux.devm_clk_get_enabled.sleep-in-atomic,linux.devm_add_action.sleep-in-atomic
atomic_rules=$atomic_rules,linux.devm_iounmap.sleep-in-atomic,pci.devm-iounmap-unmapped
# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). Without devres's release
# seen (runtime/linux/devres.c), managed_timer and managed_probe report nothing. The kernel
# warns of managed_irq's defect at unbind itself (ddv.kernel-warning): devres frees the IRQ
# the driver freed already. devm_iounmap and pcim_iounmap warn of a mapping that is no devres
# entry within the call ddv reports: the warning is that finding's (one call, one finding).
# The irqfx fixtures (tests/drivers/irqfx.h) request the shared line 9 of a platform device.
# The pcibar_pcim fixtures bind the PIIX3 IDE function (tests/drivers/pcibar.h)
# as a managed driver (pcim_enable_device, pcim_iomap_regions).
devmodel_cases="
kfree managed_kfree ok - heap.kfree-devm
kfree_clean managed_kfree_clean ok - -
timer managed_timer ok - timer.freed-pending
timer_clean managed_timer_clean ok - -
probe managed_probe ok - timer.freed-pending
probe_clean managed_probe_clean ok - -
irq managed_irq ok - irq.free-devm,ddv.kernel-warning
irq_clean managed_irq_clean ok - -
irq_twice managed_irq_twice ok - irq.devm-free-unrequested
irq_twice_clean managed_irq_twice_clean ok - -
dmam_free managed_dmam_free ok - dma.free-dmam
dmam_free_clean managed_dmam_free_clean ok - -
dmam_size managed_dmam_size ok - dma.dmam-free-size
dmam_size_clean managed_dmam_size_clean ok - -
dmam_twice managed_dmam_twice ok - dma.dmam-free-unrequested
dmam_twice_clean managed_dmam_twice_clean ok - -
iounmap managed_iounmap ok - pci.iounmap-devm
iounmap_clean managed_iounmap_clean ok - -
devm_iounmap managed_devm_iounmap ok - pci.devm-iounmap-unmapped
devm_iounmap_clean managed_devm_iounmap_clean ok - -
action managed_action ok - device.devm-action-outlives
action_clean managed_action_clean ok - -
pcim_iounmap pcibar_pcim_iounmap ok - pci.iounmap-pcim
pcim_iounmap_clean pcibar_pcim_iounmap_clean ok - -
pcim_unmapped pcibar_pcim_unmapped ok - pci.pcim-iounmap-unmapped
pcim_unmapped_clean pcibar_pcim_unmapped_clean ok - -
atomic managed_atomic ok plan+caller=managed_atomic:mg_atomic+rate=100 $atomic_rules
atomic_clean managed_atomic_clean ok plan+caller=managed_atomic_clean:mg_atomic+rate=100 -
pcim_atomic pcibar_pcim_atomic ok plan+caller=pcibar_pcim_atomic:pb_atomic+rate=100 linux.pcim_iomap.sleep-in-atomic,linux.pcim_iomap_regions.sleep-in-atomic
pcim_atomic_clean pcibar_pcim_atomic_clean ok plan+caller=pcibar_pcim_atomic_clean:pb_atomic+rate=100 -
irq_request irqfx_request ok - irq.no-handler,irq.shared-no-dev,irq.devm-shared-no-dev
irq_request_clean irqfx_request_clean ok - -
irq_depth irqfx_depth ok - irq.disable-depth,irq.disable-nosync-depth,irq.disable-hardirq-depth,irq.unbalanced-enable
irq_depth_clean irqfx_depth_clean ok - -
"

if fixture_build; then
	devmodel_run managed
fi
vm_summary
