#!/bin/bash
# fixture-dmasg.sh: VM test: scatterlists mapped for DMA (specs/linux/dma.ddv: dma_map_sg, dma_map_sgtable, dma_unmap_sg, dma_sync_sg_for_*), MMIO resources (dma_map_resource) and single mappings' syncs (dmares.h), coherent buffers, single mappings and DMA pools (dmafx.h): each defect its rule and nothing else, each twin clean.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

inject=
# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). map_dir and dmam_no_handle run
# with their call failed (the kernel would BUG on DMA_NONE, write through NULL): init fails;
# so do df_no_handle and df_map_dir. The df_ cases are dmafx.h's (coherent buffers, single
# mappings, pools); dmafx_clean is the twin of those without injection or a hidden release.
devmodel_cases='
nents dmasg_nents ok - dma.unmap-sg-nents
nents_clean dmasg_nents_clean ok - -
dir dmasg_dir ok - dma.unmap-sg-direction
dir_clean dmasg_dir_clean ok - -
twice dmasg_twice ok - dma.unmap-sg-unmapped
twice_clean dmasg_twice_clean ok - -
leak dmasg_leak ok - dma.sg-leak
leak_clean dmasg_leak_clean ok - -
sync_dir dmasg_sync_dir ok - dma.sync-sg-cpu-direction
sync_dir_clean dmasg_sync_dir_clean ok - -
sync_unmapped dmasg_sync_unmapped ok - dma.sync-sg-device-unmapped
sync_unmapped_clean dmasg_sync_unmapped_clean ok - -
table_leak dmasg_table_leak ok - dma.sg-leak
table_leak_clean dmasg_table_leak_clean ok - -
res_leak dmares_leak ok - dma.resource-leak
res_leak_clean dmares_leak_clean ok - -
res_size dmares_size ok - dma.unmap-resource-size
res_size_clean dmares_size_clean ok - -
res_dir dmares_dir ok - dma.unmap-resource-direction
res_dir_clean dmares_dir_clean ok - -
res_twice dmares_twice ok - dma.unmap-resource-unmapped
res_twice_clean dmares_twice_clean ok - -
res_live dmares_live ok - dma.map-resource-live
res_live_clean dmares_live_clean ok - -
sync_size dmares_sync_size ok - dma.sync-cpu-size,dma.sync-device-size
sync_size_clean dmares_sync_size_clean ok - -
sync_single_dir dmares_sync_dir ok - dma.sync-cpu-direction,dma.sync-device-direction
sync_single_dir_clean dmares_sync_dir_clean ok - -
sync_dev_dir dmasg_sync_dev_dir ok - dma.sync-sg-device-direction
sync_dev_dir_clean dmasg_sync_dev_dir_clean ok - -
sync_cpu_unmapped dmasg_sync_cpu_unmapped ok - dma.sync-sg-cpu-unmapped
sync_cpu_unmapped_clean dmasg_sync_cpu_unmapped_clean ok - -
again dmasg_again ok - dma.map-sg-live,dma.map-sgtable-live
again_clean dmasg_again_clean ok - -
map_dir dmasg_map_dir fails nth+dma_map_sg_attrs+1 dma.map-sg-direction
map_dir_clean dmasg_map_dir_clean fails nth+dma_map_sg_attrs+1 -
dmam_no_handle dmasg_dmam_no_handle fails nth+dmam_alloc_attrs+1 dma.dmam-alloc-no-handle
dmam_no_handle_clean dmasg_dmam_no_handle_clean fails nth+dmam_alloc_attrs+1 -
df_clean dmafx_clean ok - -
df_no_handle dmafx_no_handle fails nth+dma_alloc_attrs+1 dma.alloc-no-handle
df_no_handle_clean dmafx_no_handle_clean fails nth+dma_alloc_attrs+1 -
df_atomic dmafx_atomic ok plan+caller=dmafx_atomic:df_atomic+rate=100 dma.alloc-sleep-in-atomic,dma.pool-alloc-sleep-in-atomic
df_atomic_clean dmafx_atomic_clean ok plan+caller=dmafx_atomic_clean:df_atomic+rate=100 -
df_free_handle dmafx_free_handle ok - dma.free-handle
df_free_device dmafx_free_device ok - dma.free-device
df_double_free dmafx_double_free ok - dma.double-free
df_again dmafx_again ok - dma.alloc-live,dma.pool-create-live,dma.pool-block-live
df_again_clean dmafx_again_clean ok - -
df_map_twice dmafx_map_twice ok - dma.map-live
df_map_dir dmafx_map_dir fails nth+dma_map_page_attrs+1 dma.map-direction
df_map_dir_clean dmafx_map_dir_clean fails nth+dma_map_page_attrs+1 -
df_unmap_size dmafx_unmap_size ok - dma.unmap-size
df_unmap_dir dmafx_unmap_dir ok - dma.unmap-direction
df_unmap_twice dmafx_unmap_twice ok - dma.double-unmap
df_map_leak dmafx_map_leak ok - dma.mapping-leak
df_sync_unmapped dmafx_sync_unmapped ok - dma.sync-cpu-unmapped,dma.sync-device-unmapped
df_pool_leak dmafx_pool_leak ok - dma.pool-leak
df_pool_busy dmafx_pool_busy ok - dma.pool-destroy-busy,dma.pool-block-leak
df_pool_twice dmafx_pool_twice ok - dma.pool-double-destroy
df_pool_double_free dmafx_pool_double_free ok - dma.pool-double-free
df_pool_other dmafx_pool_other ok - dma.pool-free-other-pool,dma.pool-destroy-busy
df_pool_handle dmafx_pool_handle ok - dma.pool-free-handle
'

if fixture_build; then
	devmodel_run dmasg
fi
vm_summary
