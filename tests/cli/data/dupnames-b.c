/* dupnames-b.c: the other half of dupnames.o: helper is the same code as dupnames-a.c's, other is not. */
extern void kfree(const void *p);
extern void kvfree(const void *p);
static void helper(const void *p) { kfree(p); }
static void other(const void *p) { kvfree(p); kfree(p); }
void (*use_b[])(const void *) = { helper, other };
