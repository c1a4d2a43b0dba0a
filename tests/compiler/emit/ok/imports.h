/* imports.h: the demo API of imports.ddv, for its generated C. */
struct demo_dev;
void *demo_buf(size_t n);
int demo_open(const struct demo_dev *d, int port);
void demo_close(const struct demo_dev *d);
void demo_release(void *p);
