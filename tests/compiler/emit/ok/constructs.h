/* constructs.h: the demo functions that constructs.ddv describes, so that its pack builds with kbuild. */
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/device.h>

struct kmem_cache;
struct device;
void *demo_alloc_a(size_t size, gfp_t flags);
void *demo_alloc_b(struct kmem_cache *s, gfp_t flags, size_t size);
void *demo_alloc_c(size_t size, gfp_t flags, int node);
void demo_free(const void *p);
void demo_put(const void *p, struct timer_list *t);
int demo_give(const void *p, void *to, int *status);
void *demo_devm_alloc(struct device *dev, size_t size);
int demo_trylock(spinlock_t *l);
void demo_lock(spinlock_t *l);
void demo_unlock(spinlock_t *l);
void demo_raw_lock(raw_spinlock_t *l);
void demo_raw_unlock(raw_spinlock_t *l);
void demo_timer(struct timer_list *t, void (*callback)(struct timer_list *));
int demo_name(struct class *class, const char *fmt, ...);
void demo_defer(struct rcu_head *head, rcu_callback_t func);
void demo_barrier(void);
