/* dupnames-a.c: half of the dupnames fixture: two static functions whose names b.c uses too. */
/* Built with: gcc -O2 -fno-pic -fno-asynchronous-unwind-tables -fno-stack-protector -c dupnames-a.c dupnames-b.c && ld -r -o dupnames.o dupnames-a.o dupnames-b.o */
extern void kfree(const void *p);
extern void kvfree(const void *p);
static void helper(const void *p) { kfree(p); }
static void other(const void *p) { kfree(p); }
void (*use_a[])(const void *) = { helper, other };
