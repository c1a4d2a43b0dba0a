/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scsifx.h: the SCSI host fixtures (specs/linux/scsi.ddv), one module per rule.
 *
 * Each scsi_*.c defines the SCSIFX_* case it breaks and includes this file;
 * its scsi_*_clean.c twin defines FIXTURE_CLEAN too and includes scsi_*.c.
 * Every case makes a SCSI host with no hardware: its parent is a platform
 * device of its own with a DMA mask, its queuecommand maps each command for
 * DMA, unmaps it and completes it with DID_NO_CONNECT, so that the scan
 * (one target, one LUN) finds nothing. A defect that would crash or hang the
 * kernel for real (a host removed or scanned without being added, put while
 * still added) is made harmless behind ddv's back, with the real call through
 * a pointer in data (ddv redirects call instructions only). What ddv sees is
 * the driver's calls exactly as the defect makes them; the put while added is
 * real, and the kernel's host state says so (an unseen reference keeps the
 * host, removed after).
 *
 * Two cases for the rules a missed release or a bound reaches: SCSIFX_AGAIN allocates a host
 * and puts it before the host it keeps (the defect's put unseen, through the pointer): the kept
 * host comes at the freed address (the slab's last freed block first), which ddv holds live.
 * SCSIFX_DEEP takes SCSIFX_DEEP more references to the added host and drops them (the drop past
 * ddv's count unseen): past the rule's bound of 1,000,000 at 1000000, at it with 999999.
 */
#ifndef DDV_SCSIFX_H
#define DDV_SCSIFX_H

#include <linux/module.h>
#include <linux/async.h>
#include <linux/dma-mapping.h>
#include <linux/platform_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>

static struct platform_device *scsifx_pdev;
static struct Scsi_Host *scsifx_host;

/* The real functions, called where ddv does not redirect (volatile: never folded). */
static int (*volatile scsifx_hidden_add)(struct Scsi_Host *shost, struct device *dev,
					 struct device *dma_dev)
	__maybe_unused = scsi_add_host_with_dma;
static void (*volatile scsifx_hidden_remove)(struct Scsi_Host *shost)
	__maybe_unused = scsi_remove_host;
static struct Scsi_Host *(*volatile scsifx_hidden_get)(struct Scsi_Host *shost)
	__maybe_unused = scsi_host_get;
static void (*volatile scsifx_hidden_put)(struct Scsi_Host *shost) __maybe_unused = scsi_host_put;

/* Which of add, scan and remove the driver calls itself (ddv sees them) in each case. */
#if defined(SCSIFX_REMOVE_UNADDED) && !defined(FIXTURE_CLEAN)
#define scsifx_add(h, d) scsifx_hidden_add(h, d, d)
#else
#define scsifx_add(h, d) scsi_add_host(h, d)
#endif
#if defined(SCSIFX_SCAN_UNADDED) && !defined(FIXTURE_CLEAN)
#define scsifx_add_for_scan(h, d) scsifx_hidden_add(h, d, d)
#define scsifx_remove(h) scsifx_hidden_remove(h)
#else
#define scsifx_add_for_scan(h, d) scsifx_add(h, d)
#define scsifx_remove(h) scsi_remove_host(h)
#endif

static int scsifx_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
	int nseg = scsi_dma_map(cmd);

	if (nseg < 0)
		return SCSI_MLQUEUE_HOST_BUSY;
#ifdef SCSIFX_DMA_TWICE
#ifndef FIXTURE_CLEAN
	/* Mapped again: the first mapping is never unmapped. */
	nseg = scsi_dma_map(cmd);
#endif
#endif
#if !defined(SCSIFX_DMA_LEAK) || defined(FIXTURE_CLEAN)
	scsi_dma_unmap(cmd);
#endif
	set_host_byte(cmd, DID_NO_CONNECT);
	scsi_done(cmd);
#if defined(SCSIFX_DONE_TWICE) && !defined(FIXTURE_CLEAN)
	/* The kernel ignores it: the command is marked complete until queued again. */
	scsi_done(cmd);
#endif
	return 0;
}

static struct scsi_host_template scsifx_template = {
	.module = THIS_MODULE,
	.name = KBUILD_MODNAME,
	.queuecommand = scsifx_queuecommand,
	.can_queue = 1,
	.this_id = -1,
	.sg_tablesize = 16,
	.cmd_per_lun = 1,
};

static int scsifx_init_case(struct device *dev)
{
	int err;

#ifdef SCSIFX_REMOVE_UNADDED
	/* Not scanned: the defect's add is hidden, and its scan would be another defect. */
	err = scsifx_add(scsifx_host, dev);
	if (err)
		return err;
#else
	err = scsifx_add_for_scan(scsifx_host, dev);
	if (err)
		return err;
	scsi_scan_host(scsifx_host);
	/* The scan is asynchronous: its commands reach queuecommand before init returns. */
	async_synchronize_full();
#endif
#ifdef SCSIFX_REMOVE_BLOCKED
	scsi_block_requests(scsifx_host);
#endif
#ifdef SCSIFX_UNBLOCK_UNBLOCKED
#ifdef FIXTURE_CLEAN
	scsi_block_requests(scsifx_host);
#endif
	scsi_unblock_requests(scsifx_host);
#endif
	return 0;
}

#ifdef SCSIFX_DEEP
#ifdef FIXTURE_CLEAN
#define scsifx_put_last scsi_host_put
#else
#define scsifx_put_last scsifx_hidden_put
#endif
static void scsifx_deep(void)
{
	int i;

	for (i = 0; i < SCSIFX_DEEP; i++)
		WARN_ON(!scsi_host_get(scsifx_host));
	for (i = 0; i < SCSIFX_DEEP - 1; i++)
		scsi_host_put(scsifx_host);
	scsifx_put_last(scsifx_host);
}
#endif

static int __init scsifx_init(void)
{
	struct platform_device_info info = {
		.name = KBUILD_MODNAME,
		.id = PLATFORM_DEVID_AUTO,
		.dma_mask = DMA_BIT_MASK(32),
	};
	int err;

	scsifx_pdev = platform_device_register_full(&info);
	if (IS_ERR(scsifx_pdev))
		return PTR_ERR(scsifx_pdev);
#ifdef SCSIFX_AGAIN
	/* One CPU: its slab hands the freed block back first (two vCPUs made it flaky). */
	migrate_disable();
	scsifx_host = scsi_host_alloc(&scsifx_template, 0);
	if (scsifx_host) {
#ifdef FIXTURE_CLEAN
		scsi_host_put(scsifx_host);
#else
		scsifx_hidden_put(scsifx_host);
#endif
	}
#endif
	scsifx_host = scsi_host_alloc(&scsifx_template, 0);
#ifdef SCSIFX_AGAIN
	migrate_enable();
#endif
	if (!scsifx_host) {
		platform_device_unregister(scsifx_pdev);
		return -ENOMEM;
	}
	scsifx_host->max_id = 1;
	scsifx_host->max_lun = 1;
	scsifx_host->max_channel = 0;
	err = scsifx_init_case(&scsifx_pdev->dev);
#ifdef SCSIFX_DEEP
	if (!err)
		scsifx_deep();
#endif
	if (err) {
		scsi_host_put(scsifx_host);
		platform_device_unregister(scsifx_pdev);
	}
	return err;
}

static void __exit scsifx_exit(void)
{
#if defined(SCSIFX_REMOVE_BLOCKED) && defined(FIXTURE_CLEAN)
	scsi_unblock_requests(scsifx_host);
#endif
#if defined(SCSIFX_PUT_ADDED) && !defined(FIXTURE_CLEAN)
	/*
	 * Put while added. Unseen, a reference taken first keeps the host until the remove
	 * (which releases the host's own device, under the one put), then goes.
	 */
	scsifx_hidden_get(scsifx_host);
	scsi_host_put(scsifx_host);
	scsifx_hidden_remove(scsifx_host);
	scsifx_hidden_put(scsifx_host);
#else
	scsifx_remove(scsifx_host);
#if !defined(SCSIFX_HOST_LEAK) || defined(FIXTURE_CLEAN)
	scsi_host_put(scsifx_host);
#endif
#endif
	platform_device_unregister(scsifx_pdev);
}

module_init(scsifx_init);
module_exit(scsifx_exit);
MODULE_DESCRIPTION("ddv SCSI host fixture (specs/linux/scsi.ddv)");
MODULE_LICENSE("GPL");

#endif /* DDV_SCSIFX_H */
