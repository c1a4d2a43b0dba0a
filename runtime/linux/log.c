// SPDX-License-Identifier: GPL-2.0
/* log.c: binary log records over the core's per-CPU rings; drained by read() on /dev/ddv. */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/stacktrace.h>
#include <linux/kallsyms.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/timer.h>
#include "ddv_internal.h"
#include "logring.h"
#include "inject.h"

/*
 * 0: sized at load (log_ring_default). Read back through sysfs, it is the
 * size taken, which ddv status shows.
 */
static unsigned int log_ring_bytes;
module_param(log_ring_bytes, uint, 0444);
MODULE_PARM_DESC(log_ring_bytes,
		 "bytes of log ring per CPU, a power of two >= 256 (default 0: 4 MiB, "
		 "less when the rings would take more than 1/32 of memory)");

/*
 * A traced call with its stack takes about 100 bytes of ring (call record,
 * ddv.at, ddv.stack, return record): 4 MiB hold a 10,000-allocation init
 * loop (20,000 traced calls) that does not yield to the drainer. All CPUs'
 * rings together stay under 1/32 of memory, and at least 256 KiB each.
 */
#define LOG_RING_DEFAULT_MAX (4u << 20)
#define LOG_RING_DEFAULT_MIN (256u << 10)

static unsigned int log_ring_default(void)
{
	u64 budget = ((u64)totalram_pages() << PAGE_SHIFT) / 32;
	unsigned int bytes = LOG_RING_DEFAULT_MAX;

	while (bytes > LOG_RING_DEFAULT_MIN && (u64)bytes * nr_cpu_ids > budget)
		bytes >>= 1;
	return bytes;
}

static struct logring *rings;
static unsigned int nrings;
static void *ring_mem;
static u8 *bounce;		/* read() drains into it, then copies out */
#define BOUNCE_BYTES (1u << 16)
static DEFINE_MUTEX(read_mutex);	/* one consumer per ring */
DECLARE_WAIT_QUEUE_HEAD(ddv_log_wait);
static struct timer_list poll_timer;

int ddv_log_init(void)
{
	unsigned int cpu;
	int ret;

	if (!log_ring_bytes)
		log_ring_bytes = log_ring_default();
	if (log_ring_bytes < 256 || log_ring_bytes > (1u << 30) ||
	    !is_power_of_2(log_ring_bytes)) {
		pr_err("ddv: log_ring_bytes=%u: must be a power of two from 256 to 1 GiB\n",
		       log_ring_bytes);
		return -EINVAL;
	}
	nrings = nr_cpu_ids;
	rings = kcalloc(nrings, sizeof(*rings), GFP_KERNEL);
	ring_mem = vmalloc(array_size(nrings, log_ring_bytes));
	bounce = vmalloc(BOUNCE_BYTES);
	if (!rings || !ring_mem || !bounce) {
		ddv_log_exit();
		return -ENOMEM;
	}
	for (cpu = 0; cpu < nrings; cpu++) {
		ret = logring_init(&rings[cpu], ring_mem + (size_t)cpu * log_ring_bytes,
				   log_ring_bytes, cpu);
		if (ret) {
			ddv_log_exit();
			return ret;
		}
	}
	return 0;
}

static void poll_timer_fn(struct timer_list *t)
{
	wake_up_interruptible(&ddv_log_wait);
}

void ddv_log_timer_init(void)
{
	timer_setup(&poll_timer, poll_timer_fn, 0);
}

void ddv_log_exit(void)
{
	del_timer_sync(&poll_timer);
	vfree(bounce);
	vfree(ring_mem);
	kfree(rings);
	bounce = NULL;
	ring_mem = NULL;
	rings = NULL;
}

/*
 * Writes a group of records on this CPU's ring with interrupts off, so that
 * nothing comes between them: the record, its ddv.at context, its stack.
 */
static void log_group(u32 msg, unsigned int nargs, const u64 *args, const u64 *at,
		      const unsigned long *stack, unsigned int nstack)
{
	unsigned long flags;
	struct logring *r;
	unsigned int i, j;
	u64 ts;

	local_irq_save(flags);
	r = &rings[raw_smp_processor_id() % nrings];
	ts = local_clock();
	if (!logring_write(r, ts, msg, nargs, args))
		goto out;
	if (at)
		logring_write(r, ts, DDV_MSG_ID(0, DDV_RT_AT), 3, at);
	for (i = 0; i < nstack; i += DDV_MAX_ARGS) {
		u64 a[DDV_MAX_ARGS] = { 0 };

		for (j = 0; j < DDV_MAX_ARGS && i + j < nstack; j++)
			a[j] = stack[i + j];
		logring_write(r, ts, DDV_MSG_ID(0, DDV_RT_STACK), DDV_MAX_ARGS, a);
	}
out:
	local_irq_restore(flags);
}

/*
 * The stack from the driver's frame outwards: frames inside ddv and the pack
 * come first in the trace and are dropped up to the call's return address.
 */
static unsigned int driver_stack(unsigned long ret_ip, unsigned long *out, unsigned int max)
{
	unsigned long all[20];
	unsigned int n, i;

	n = stack_trace_save(all, ARRAY_SIZE(all), 0);
	for (i = 0; i < n && all[i] != ret_ip; i++)
		;
	if (i == n)
		i = 0;
	n -= i;
	if (n > max)
		n = max;
	memcpy(out, all + i, n * sizeof(*out));
	return n;
}

static void frame_name(unsigned long addr, char *buf, unsigned int len)
{
	if (len >= KSYM_SYMBOL_LEN)
		sprint_symbol(buf, addr);
}

/*
 * DDV_INJECT_STACK's identity of a call (inject.h inject_stack_id): each
 * member's own text, not the hull ddv_ranges[] holds for a family, read in
 * place (a copy would cost the stack DDV_MAX_MEMBERS ranges): the
 * calling member's text stays while its call runs, another's may change
 * under a load or unload, as it would between two calls.
 */
u64 ddv_stack_id(u16 dut, unsigned long ret_ip)
{
	const struct ddv_dut *d = &ddv_duts[dut];
	unsigned int nt = min_t(unsigned int, READ_ONCE(d->nmembers), DDV_MAX_MEMBERS);
	unsigned long st[12];
	char name[KSYM_SYMBOL_LEN];
	unsigned int n = driver_stack(ret_ip, st, ARRAY_SIZE(st));

	BUILD_BUG_ON(sizeof(struct ddv_text_range) != sizeof(struct inject_text) ||
		     offsetof(struct ddv_text_range, init_hi) !=
		     offsetof(struct inject_text, init_hi) ||
		     sizeof(unsigned long) != sizeof(u64));
	return inject_stack_id(st, n, (const struct inject_text *)d->texts, nt, frame_name, name,
			       sizeof(name));
}

/* A record of pack (0: the runtime) without call context. */
void ddv_log(u32 pack, u32 msg, unsigned int nargs, const u64 *args)
{
	if (unlikely(!rings))
		return;
	log_group(DDV_MSG_ID(pack, msg), min_t(unsigned int, nargs, DDV_MAX_ARGS), args,
		  NULL, NULL, 0);
}

/*
 * A record followed by its context (driver, site, global function id) and,
 * when stack is set, the stack from the driver's frame (ret_ip) outwards.
 */
void ddv_log_at(u32 pack, u32 msg, unsigned int nargs, const u64 *args, u16 dut, u32 site,
		u32 func, unsigned long ret_ip, bool stack)
{
	u64 at[3] = { dut, site, func };
	unsigned long st[12];
	unsigned int nst = 0;

	if (unlikely(!rings))
		return;
	if (stack)
		nst = driver_stack(ret_ip, st, ARRAY_SIZE(st));
	log_group(DDV_MSG_ID(pack, msg), min_t(unsigned int, nargs, DDV_MAX_ARGS), args,
		  at, st, nst);
}

void ddv_log_rt(u32 msg, unsigned int nargs, ...)
{
	u64 args[DDV_MAX_ARGS];
	unsigned int i;
	va_list ap;

	va_start(ap, nargs);
	for (i = 0; i < nargs && i < DDV_MAX_ARGS; i++)
		args[i] = va_arg(ap, u64);
	va_end(ap);
	ddv_log(0, msg, i, args);
}

bool ddv_log_pending(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nrings; cpu++)
		if (logring_pending(&rings[cpu]) || READ_ONCE(rings[cpu].dropped) !=
		    READ_ONCE(rings[cpu].drops_reported))
			return true;
	return false;
}

/* Arms a short timer that wakes pollers: producers never wake anyone themselves. */
void ddv_log_poll_later(void)
{
	mod_timer(&poll_timer, jiffies + msecs_to_jiffies(50));
}

u64 ddv_log_drops(void)
{
	unsigned int cpu;
	u64 n = 0;

	for (cpu = 0; cpu < nrings; cpu++)
		n += READ_ONCE(rings[cpu].dropped);
	return n;
}

/* Whole frames, at most len bytes; 0 when nothing waits. */
ssize_t ddv_log_read(char __user *buf, size_t len)
{
	size_t n;

	if (len < DDV_LOG_FRAME_HDR + DDV_LOG_REC_MAX + 16)
		return -EINVAL;
	mutex_lock(&read_mutex);
	n = logring_drain_all(rings, nrings, bounce, min_t(size_t, len, BOUNCE_BYTES));
	if (n && copy_to_user(buf, bounce, n))
		n = -EFAULT;
	mutex_unlock(&read_mutex);
	return n;
}
