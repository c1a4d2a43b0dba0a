// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture for event injection, the DDV paper's example: a SCSI host (no
 * hardware, as scsifx.h's) reset while it has a command in flight, whose
 * reset handler's allocation fails. queuecommand allocates a request for
 * each command and maps it for DMA; while its "hold" parameter is 1 it keeps
 * the command in flight (the device does not answer), else it completes it
 * at once with DID_NO_CONNECT (so the scan at load finds nothing). The host
 * reset (sysfs: echo adapter >/sys/class/scsi_host/hostN/host_reset)
 * allocates an abort message for the command in flight, then completes it;
 * when the message cannot be had the request leaks (the defect). The clean
 * twin (scsi_eh_reset_clean.c, FIXTURE_CLEAN) frees it. Reached by two
 * triggers on the held command's scsi_dma_map: one runs the reset, the
 * other fails the next allocation, the reset handler's.
 */
#include <linux/async.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

#include "fixture.h"

static struct platform_device *pdev;
static struct Scsi_Host *host;
static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "1: keep each command in flight until a host reset");

static DEFINE_SPINLOCK(lock);
static struct scsi_cmnd *inflight;	/* can_queue 1: one at most */
static void *inflight_req;

static void finish(struct scsi_cmnd *cmd, void *req)
{
	kfree(req);
	scsi_dma_unmap(cmd);
	set_host_byte(cmd, DID_NO_CONNECT);
	scsi_done(cmd);
}

static int queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
	void *req = FIXTURE_FALLIBLE(kmalloc(64, GFP_ATOMIC));

	if (!req)
		return SCSI_MLQUEUE_HOST_BUSY;
	if (scsi_dma_map(cmd) < 0) {
		kfree(req);
		return SCSI_MLQUEUE_HOST_BUSY;
	}
	if (READ_ONCE(hold)) {
		spin_lock(&lock);
		inflight = cmd;
		inflight_req = req;
		spin_unlock(&lock);
		return 0;
	}
	finish(cmd, req);
	return 0;
}

static int host_reset(struct Scsi_Host *shost, int type)
{
	struct scsi_cmnd *cmd;
	void *req, *abort;

	spin_lock(&lock);
	cmd = inflight;
	req = inflight_req;
	inflight = NULL;
	spin_unlock(&lock);
	if (!cmd)
		return 0;
	abort = FIXTURE_FALLIBLE(kmalloc(32, GFP_KERNEL));
	if (!abort) {
#ifdef FIXTURE_CLEAN
		kfree(req);
#endif
		req = NULL;	/* the defect: without its abort message the request is lost */
	}
	kfree(abort);
	finish(cmd, req);
	return 0;
}

static struct scsi_host_template template = {
	.module = THIS_MODULE,
	.name = KBUILD_MODNAME,
	.proc_name = KBUILD_MODNAME,
	.queuecommand = queuecommand,
	.host_reset = host_reset,
	.can_queue = 1,
	.this_id = -1,
	.sg_tablesize = 16,
	.cmd_per_lun = 1,
};

static int __init scsi_eh_reset_init(void)
{
	struct platform_device_info info = {
		.name = KBUILD_MODNAME,
		.id = PLATFORM_DEVID_AUTO,
		.dma_mask = DMA_BIT_MASK(32),
	};
	int err;

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	host = scsi_host_alloc(&template, 0);
	if (!host) {
		platform_device_unregister(pdev);
		return -ENOMEM;
	}
	host->max_id = 1;
	host->max_lun = 1;
	host->max_channel = 0;
	err = scsi_add_host(host, &pdev->dev);
	if (err) {
		scsi_host_put(host);
		platform_device_unregister(pdev);
		return err;
	}
	scsi_scan_host(host);
	async_synchronize_full();	/* the scan's commands come in the load */
	return 0;
}

static void __exit scsi_eh_reset_exit(void)
{
	scsi_remove_host(host);
	scsi_host_put(host);
	platform_device_unregister(pdev);
}

module_init(scsi_eh_reset_init);
module_exit(scsi_eh_reset_exit);
MODULE_DESCRIPTION("ddv fixture: a SCSI host reset with a command in flight, its allocation failed");
MODULE_LICENSE("GPL");
