// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: ddv.ko's entry points: module init/exit and /dev/ddv: the control
 * ioctl (the table of ops), the log's read() and poll().
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/interrupt.h>
#include <linux/kallsyms.h>
#include <linux/stacktrace.h>
#include "ddv_internal.h"

DEFINE_MUTEX(ddv_mutex);

/* The kernel's message ids must be the ones the core and the CLI decode. */
static_assert((int)DDV_RT_STORE_FULL == (int)DDV_RTMSG_STORE_FULL);
static_assert((int)DDV_RT_INDEX_FULL == (int)DDV_RTMSG_INDEX_FULL);
static_assert((int)DDV_RT_FAULT_INJECTED == (int)DDV_RTMSG_FAULT_INJECTED);
static_assert((int)DDV_RT_LOCK_DELAYED == (int)DDV_RTMSG_LOCK_DELAYED);
static_assert((int)DDV_RT_AT == (int)DDV_RTMSG_CORE_COUNT);
static_assert(DDV_MAX_ARGS == DDV_LOG_MAX_ARGS);

static int ddv_open(struct inode *inode, struct file *file)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static ssize_t ddv_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	ssize_t n;

	for (;;) {
		n = ddv_log_read(buf, len);
		if (n || (file->f_flags & O_NONBLOCK))
			return n ? n : -EAGAIN;
		ddv_log_poll_later();
		if (wait_event_interruptible_timeout(ddv_log_wait, ddv_log_pending(), HZ) < 0)
			return -ERESTARTSYS;
	}
}

static __poll_t ddv_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &ddv_log_wait, wait);
	if (ddv_log_pending())
		return EPOLLIN | EPOLLRDNORM;
	/* Producers run in any context and wake nobody: look again shortly. */
	ddv_log_poll_later();
	return 0;
}

static long op_version(struct ddv_cmd *cmd)
{
	cmd->out[0] = DDV_UAPI_VERSION;
	cmd->out[1] = DDV_ABI_VERSION;
	return 0;
}

/*
 * The /dev/ddv opcodes. ddv_ioctl() refuses an op with fewer arguments than
 * min_args (-EINVAL) and takes ddv_mutex around the handler when locked says
 * so; the handler checks the ranges of its own arguments and fills cmd->out.
 * Each handler lives beside the state it touches.
 */
struct ddv_op_desc {
	u32 op;				/* enum ddv_op */
	u8 min_args;
	bool locked;			/* runs under ddv_mutex */
	long (*handler)(struct ddv_cmd *cmd);
};

static const struct ddv_op_desc ddv_ops[] = {
	{ DDV_OP_VERSION,	0, false, op_version },
	{ DDV_OP_TARGET,	6, true,  ddv_op_target },	/* dut.c */
	{ DDV_OP_ATTACH,	6, true,  ddv_op_attach },	/* dut.c */
	{ DDV_OP_DETACH,	1, true,  ddv_op_detach },	/* dut.c */
	{ DDV_OP_STATUS,	3, true,  ddv_op_status },	/* dut.c */
	{ DDV_OP_LIST_PACKS,	2, true,  ddv_op_list_packs },	/* pack.c */
	{ DDV_OP_LIST_FUNCS,	2, true,  ddv_op_list_funcs },	/* pack.c */
	{ DDV_OP_SET_TRACE,	2, true,  ddv_op_set_trace },	/* abi.c */
	{ DDV_OP_SET_FUNC_OFF,	2, true,  ddv_op_set_func_off },/* abi.c */
	{ DDV_OP_INJECT,	1, true,  ddv_op_inject },	/* abi.c */
	{ DDV_OP_LEAK_CHECK,	1, true,  ddv_op_leak_check },	/* dut.c */
	{ DDV_OP_SCOPE,		2, true,  ddv_op_scope },	/* scopes.c */
	{ DDV_OP_RULE_OFF,	3, true,  ddv_op_rule_off },	/* abi.c */
	{ DDV_OP_PACK_CATALOG,	3, true,  ddv_op_pack_catalog },/* pack.c */
};
/* Every op has its entry (each op once: ddv_ops_check() at load). */
static_assert(ARRAY_SIZE(ddv_ops) == DDV_OP_COUNT);

static int __init ddv_ops_check(void)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(ddv_ops); i++)
		for (j = 0; j < i; j++)
			if (WARN_ON(ddv_ops[i].op == ddv_ops[j].op))
				return -EINVAL;
	return 0;
}

static long ddv_ioctl(struct file *file, unsigned int request, unsigned long arg)
{
	const struct ddv_op_desc *d;
	struct ddv_cmd cmd;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (request != DDV_IOC_CMD)
		return -ENOTTY;
	if (copy_from_user(&cmd, (void __user *)arg, sizeof(cmd)))
		return -EFAULT;
	if (cmd.nargs > ARRAY_SIZE(cmd.arg))
		return -EINVAL;
	for (d = ddv_ops; d < ddv_ops + ARRAY_SIZE(ddv_ops) && d->op != cmd.op; d++)
		;
	if (d == ddv_ops + ARRAY_SIZE(ddv_ops) || cmd.nargs < d->min_args)
		return -EINVAL;
	memset(cmd.out, 0, sizeof(cmd.out));
	if (d->locked)
		mutex_lock(&ddv_mutex);
	ret = d->handler(&cmd);
	if (d->locked)
		mutex_unlock(&ddv_mutex);
	if (!ret && copy_to_user((void __user *)arg, &cmd, sizeof(cmd)))
		ret = -EFAULT;
	return ret;
}

static const struct file_operations ddv_fops = {
	.owner = THIS_MODULE,
	.open = ddv_open,
	.read = ddv_read,
	.poll = ddv_poll,
	.unlocked_ioctl = ddv_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice ddv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ddv",
	.fops = &ddv_fops,
	.mode = 0600,
};

/* abi.h ddv_is_vmalloc(): the area is fixed at boot. */
unsigned long ddv_vmalloc_start __ro_after_init;
EXPORT_SYMBOL_GPL(ddv_vmalloc_start);
unsigned long ddv_vmalloc_end __ro_after_init;
EXPORT_SYMBOL_GPL(ddv_vmalloc_end);

/*
 * abi.h ddv_irq_requested(): does the kernel hold an action of IRQ irq for dev_id, whoever
 * requested it? Under the descriptor's lock, as __free_irq() walks the list.
 */
bool ddv_irq_requested(unsigned int irq, void *dev_id)
{
	struct irq_data *data = irq_get_irq_data(irq);
	struct irqaction *action;
	struct irq_desc *desc;
	unsigned long flags;
	bool found = false;

	if (!data)
		return false;
	desc = irq_data_to_desc(data);
	raw_spin_lock_irqsave(&desc->lock, flags);
	for (action = desc->action; action && !found; action = action->next)
		found = action->dev_id == dev_id;
	raw_spin_unlock_irqrestore(&desc->lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(ddv_irq_requested);

/*
 * fastpath.h ddv_kernel_caller_is(): is func the first kernel function on the stack above the
 * modules' frames (ddv.ko's, the pack's, the driver's)? heap.ddv asks it of kasprintf:
 * device_get_devnode() calls a devnode callback (usbcore's usb_devnode) for a name its
 * callers kfree(). The stack and its symbols cost some microseconds: for rare calls only.
 */
bool ddv_kernel_caller_is(const char *func)
{
	unsigned long entries[16];
	char sym[KSYM_SYMBOL_LEN];
	unsigned int n = stack_trace_save(entries, ARRAY_SIZE(entries), 0), i;

	for (i = 0; i < n; i++) {
		sprint_symbol_no_offset(sym, entries[i]);
		/* A module's function reads "name [module]". */
		if (!strchr(sym, '['))
			return !strcmp(sym, func);
	}
	return false;
}
EXPORT_SYMBOL_GPL(ddv_kernel_caller_is);

/*
 * fastpath.h ddv_symbol_is(): is p the start of the function func? heap.ddv asks it of a
 * DRM plane's destroy callback: drm_plane_helper_destroy() kfree()s the plane, which
 * drm_plane_cleanup() does not, and both lie outside the driver. sprint_symbol() writes
 * "name+0x0/0xsize [module]" for a function's first byte.
 */
bool ddv_symbol_is(const void *p, const char *func)
{
	char sym[KSYM_SYMBOL_LEN];
	size_t n = strlen(func);

	if (!p)
		return false;
	sprint_symbol(sym, (unsigned long)p);
	return !strncmp(sym, func, n) && !strncmp(sym + n, "+0x0/", 5);
}
EXPORT_SYMBOL_GPL(ddv_symbol_is);

static int __init ddv_init(void)
{
	int ret;

	/* is_vmalloc_addr(): [VMALLOC_START, VMALLOC_END). */
	ddv_vmalloc_start = VMALLOC_START;
	ddv_vmalloc_end = VMALLOC_END;
	ret = ddv_ops_check();
	if (ret)
		return ret;
	ddv_log_timer_init();
	ret = ddv_store_init();
	if (ret)
		return ret;
	ret = ddv_log_init();
	if (ret)
		goto out_store;
	ret = ddv_inject_init();
	if (ret)
		goto out_log;
	ret = ddv_dut_init();
	if (ret)
		goto out_inject;
	ret = misc_register(&ddv_misc);
	if (ret)
		goto out_dut;
	pr_info("ddv: runtime loaded (ABI %d, control /dev/ddv)\n", DDV_ABI_VERSION);
	return 0;
out_dut:
	ddv_dut_exit();
out_inject:
	ddv_inject_exit();
out_log:
	ddv_log_exit();
out_store:
	ddv_store_exit();
	return ret;
}

/*
 * Only reachable when no driver is patched (each patched driver holds a
 * reference on us) and no pack is loaded (packs link against us).
 */
static void __exit ddv_exit(void)
{
	misc_deregister(&ddv_misc);
	ddv_dut_exit();
	ddv_managed_forget(0);
	ddv_inject_exit();
	ddv_log_exit();
	ddv_store_exit();
	pr_info("ddv: runtime unloaded\n");
}

module_init(ddv_init);
module_exit(ddv_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv: run-time verification of drivers against their API contracts");
