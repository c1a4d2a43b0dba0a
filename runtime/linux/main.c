// SPDX-License-Identifier: GPL-2.0
/* main.c: ddv.ko's entry points: module init/exit and /dev/ddv (control ioctl, log read, poll). */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
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

/* Copies a kernel text listing of at most len bytes to user memory. */
static long list_to_user(int (*lister)(char *, size_t), u64 ubuf, u64 len, struct ddv_cmd *cmd)
{
	size_t n = min_t(u64, len, 1u << 20);
	char *buf;
	int got;

	if (!n)
		return -EINVAL;
	buf = kvzalloc(n, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	got = lister(buf, n);
	if (copy_to_user(u64_to_user_ptr(ubuf), buf, got))
		got = -EFAULT;
	kvfree(buf);
	if (got < 0)
		return got;
	cmd->out[0] = got;
	return 0;
}

static long op_status(const struct ddv_cmd *cmd)
{
	struct ddv_status st = { 0 };
	u64 id = cmd->arg[0];

	if (cmd->nargs < 3 || id >= DDV_MAX_DUTS)
		return -EINVAL;
	ddv_store_status(&st);
	st.log_drops = ddv_log_drops();
	mutex_lock(&ddv_mutex);
	if (id) {
		struct ddv_dut *dut = &ddv_duts[id];

		if (dut->state == DDV_DUT_FREE) {
			mutex_unlock(&ddv_mutex);
			return -ENOENT;
		}
		st.calls = ddv_dut_calls(dut);
		st.violations = atomic64_read(&dut->violations);
		st.unknown_before_attach = atomic64_read(&dut->unknown_before_attach);
		st.injected = atomic64_read(&dut->injected);
		st.sites_patched = dut->sites_patched;
		st.sites_refused = dut->sites_refused;
	} else {
		unsigned int d;

		for (d = 1; d < DDV_MAX_DUTS; d++) {
			st.calls += ddv_dut_calls(&ddv_duts[d]);
			st.violations += atomic64_read(&ddv_duts[d].violations);
			st.unknown_before_attach +=
				atomic64_read(&ddv_duts[d].unknown_before_attach);
			st.sites_patched += ddv_duts[d].sites_patched;
			st.sites_refused += ddv_duts[d].sites_refused;
		}
		ddv_inject_status(&st);
	}
	mutex_unlock(&ddv_mutex);
	if (copy_to_user(u64_to_user_ptr(cmd->arg[1]), &st, min_t(u64, cmd->arg[2], sizeof(st))))
		return -EFAULT;
	return 0;
}

static bool func_id_ok(u64 id)
{
	return id < DDV_MAX_FUNCS && ddv_funcs[id].pack;
}

/* Sets a per-function config property, for one function or (~0) every one. */
static long set_func_prop(enum config_prop prop, u64 id, u64 value)
{
	long ret = 0;
	u32 i;

	mutex_lock(&ddv_mutex);
	if (id == ~0ull) {
		for (i = 0; i < DDV_MAX_FUNCS && !ret; i++)
			if (ddv_funcs[i].pack)
				ret = value ? config_set(&ddv_config, prop, i, value) :
					(config_unset(&ddv_config, prop, i), 0);
	} else if (!func_id_ok(id)) {
		ret = -EINVAL;
	} else if (value) {
		ret = config_set(&ddv_config, prop, id, value);
	} else {
		config_unset(&ddv_config, prop, id);
	}
	/* A function traced or switched off: every call takes the full entry (it reads them). */
	ddv_fast_update();
	mutex_unlock(&ddv_mutex);
	return ret;
}

static long ddv_dispatch(struct ddv_cmd *cmd)
{
	long ret;

	switch (cmd->op) {
	case DDV_OP_VERSION:
		cmd->out[0] = DDV_UAPI_VERSION;
		cmd->out[1] = DDV_ABI_VERSION;
		return 0;
	case DDV_OP_TARGET:
		return ddv_op_target(cmd, cmd, false);
	case DDV_OP_ATTACH:
		return ddv_op_target(cmd, cmd, true);
	case DDV_OP_DETACH:
		return cmd->nargs < 1 ? -EINVAL : ddv_op_detach(cmd->arg[0]);
	case DDV_OP_STATUS:
		return op_status(cmd);
	case DDV_OP_LIST_PACKS:
		return cmd->nargs < 2 ? -EINVAL :
			list_to_user(ddv_list_packs, cmd->arg[0], cmd->arg[1], cmd);
	case DDV_OP_LIST_FUNCS:
		return cmd->nargs < 2 ? -EINVAL :
			list_to_user(ddv_list_funcs, cmd->arg[0], cmd->arg[1], cmd);
	case DDV_OP_SET_TRACE:
		if (cmd->nargs < 2 || cmd->arg[1] > DDV_TRACE_STACK)
			return -EINVAL;
		return set_func_prop(CONFIG_TRACE_LEVEL, cmd->arg[0], cmd->arg[1]);
	case DDV_OP_SET_FUNC_OFF:
		if (cmd->nargs < 2 || cmd->arg[1] > 1)
			return -EINVAL;
		return set_func_prop(CONFIG_FUNC_OFF, cmd->arg[0], cmd->arg[1]);
	case DDV_OP_INJECT:
		mutex_lock(&ddv_mutex);
		ret = ddv_op_inject(cmd);
		mutex_unlock(&ddv_mutex);
		return ret;
	case DDV_OP_LEAK_CHECK:
		if (cmd->nargs < 1)
			return -EINVAL;
		ret = ddv_op_leak_check(cmd->arg[0]);
		if (ret >= 0) {
			cmd->out[0] = ret;
			ret = 0;
		}
		return ret;
	case DDV_OP_RULE_OFF:
		if (cmd->nargs < 3 || !cmd->arg[0] || cmd->arg[0] >= DDV_MAX_PACKS ||
		    cmd->arg[1] > U16_MAX || cmd->arg[2] > 1)
			return -EINVAL;
		mutex_lock(&ddv_mutex);
		if (!ddv_packs[cmd->arg[0]] || !cmd->arg[1] ||
		    cmd->arg[1] >= ddv_packs[cmd->arg[0]]->nmsgs)
			ret = -EINVAL;
		else if (cmd->arg[2])
			ret = config_set(&ddv_config, CONFIG_RULE_OFF,
					 DDV_MSG_ID(cmd->arg[0], cmd->arg[1]), 1);
		else
			ret = (config_unset(&ddv_config, CONFIG_RULE_OFF,
					    DDV_MSG_ID(cmd->arg[0], cmd->arg[1])), 0);
		mutex_unlock(&ddv_mutex);
		return ret;
	case DDV_OP_SCOPE:
		return ddv_op_scope(cmd, cmd);
	}
	return -EINVAL;
}

static long ddv_ioctl(struct file *file, unsigned int request, unsigned long arg)
{
	struct ddv_cmd cmd;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (request != DDV_IOC_CMD)
		return -ENOTTY;
	if (copy_from_user(&cmd, (void __user *)arg, sizeof(cmd)))
		return -EFAULT;
	if (cmd.op >= DDV_OP_COUNT || cmd.nargs > ARRAY_SIZE(cmd.arg))
		return -EINVAL;
	memset(cmd.out, 0, sizeof(cmd.out));
	ret = ddv_dispatch(&cmd);
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

static int __init ddv_init(void)
{
	int ret;

	/* is_vmalloc_addr(): [VMALLOC_START, VMALLOC_END). */
	ddv_vmalloc_start = VMALLOC_START;
	ddv_vmalloc_end = VMALLOC_END;
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
	ret = ddv_target_init();
	if (ret)
		goto out_inject;
	ret = misc_register(&ddv_misc);
	if (ret)
		goto out_target;
	pr_info("ddv: runtime loaded (ABI %d, control /dev/ddv)\n", DDV_ABI_VERSION);
	return 0;
out_target:
	ddv_target_exit();
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
	ddv_target_exit();
	ddv_inject_exit();
	ddv_log_exit();
	ddv_store_exit();
	pr_info("ddv: runtime unloaded\n");
}

module_init(ddv_init);
module_exit(ddv_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv: run-time verification of drivers against their API contracts");
