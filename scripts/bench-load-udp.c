/* bench-load-udp: scripts/bench-load's UDP traffic: the sender in the guest, the sink on the host.
 *
 * Usage: bench-load-udp send IFACE DST PORT COUNT PAYLOAD
 *        bench-load-udp sink
 *
 * send: COUNT datagrams of PAYLOAD bytes to DST:PORT, one sendto() each on an unconnected
 * socket (what a UDP client or server does: a route lookup and the whole socket path per
 * datagram), after 64 of warm-up (the neighbour's address resolved, the paths warm) and a
 * pause. Prints "sent N tx T busy B": T, the packets IFACE's counters say left during the
 * COUNT sends; B, the ns the CPUs did not idle over them (from /proc/timer_list: its clock
 * less the CPUs' idle and iowait time; under qemu -icount shift=0, guest instructions), less
 * what reading that clock costs (the least of 5 back-to-back reads). The figure is read
 * here, around the sends alone, so the program's exec and exit are not in it.
 * sink: binds a UDP socket to 127.0.0.1 on a port the kernel picks, prints the port, reads
 * datagrams until SIGTERM, then prints "received N". qemu's user network sends the guest's
 * datagrams to 10.0.2.2:PORT there; with nothing bound, the host would answer each with an
 * ICMP port unreachable that qemu passes back to the guest, whose receive path would count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char timer_buf[1 << 20];

/* The guest's busy ns: "now at N nsecs" less every CPU's idle and iowait sleep time. */
static long long busy_ns(void)
{
	long long now = 0, idle = 0;
	ssize_t n, len = 0;
	int fd = open("/proc/timer_list", O_RDONLY);
	char *p;

	if (fd < 0)
		return -1;
	while (len < (ssize_t)sizeof(timer_buf) - 1 &&
	       (n = read(fd, timer_buf + len, sizeof(timer_buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	timer_buf[len] = '\0';
	p = strstr(timer_buf, "now at ");
	if (p)
		now = strtoll(p + 7, NULL, 10);
	for (p = timer_buf; (p = strstr(p, "_sleeptime")); p += 10) {
		char *c = strchr(p, ':');

		if (!strncmp(p - 5, ".idle", 5) || !strncmp(p - 7, ".iowait", 7))
			idle += c ? strtoll(c + 1, NULL, 10) : 0;
	}
	return now - idle;
}

static long long tx_packets(const char *iface)
{
	char path[256], buf[64];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_packets", iface);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f))
		v = strtoll(buf, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static int do_send(char **argv)
{
	const char *iface = argv[0];
	long count = strtol(argv[3], NULL, 10), size = strtol(argv[4], NULL, 10), i, failed = 0;
	struct sockaddr_in to = { .sin_family = AF_INET };
	long long overhead = -1, b0, b1, t0, t1;
	static char payload[1472];
	struct timespec pause = { 0, 200000000 };
	int s;

	to.sin_port = htons((unsigned short)strtol(argv[2], NULL, 10));
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 || count <= 0 || size < 0 ||
	    size > (long)sizeof(payload)) {
		fprintf(stderr, "bench-load-udp: bad address, count or payload size\n");
		return 2;
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0) {
		perror("bench-load-udp: socket");
		return 1;
	}
	for (i = 0; i < 64; i++)
		sendto(s, payload, size, 0, (struct sockaddr *)&to, sizeof(to));
	nanosleep(&pause, NULL);
	for (i = 0; i < 5; i++) {
		long long x0 = busy_ns(), x1 = busy_ns();

		if (overhead < 0 || x1 - x0 < overhead)
			overhead = x1 - x0;
	}
	t0 = tx_packets(iface);
	b0 = busy_ns();
	for (i = 0; i < count; i++)
		if (sendto(s, payload, size, 0, (struct sockaddr *)&to, sizeof(to)) != size)
			failed++;
	b1 = busy_ns();
	t1 = tx_packets(iface);
	close(s);
	if (b0 < 0 || t0 < 0 || t1 < 0) {
		fprintf(stderr, "bench-load-udp: cannot read /proc/timer_list or %s's counters\n", iface);
		return 1;
	}
	printf("sent %ld tx %lld busy %lld\n", count - failed, t1 - t0, b1 - b0 - overhead);
	return failed ? 1 : 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int do_sink(void)
{
	struct sockaddr_in at = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_term };
	socklen_t len = sizeof(at);
	int s = socket(AF_INET, SOCK_DGRAM, 0), big = 4 << 20;
	long long received = 0;
	char buf[2048];

	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&at, sizeof(at)) ||
	    getsockname(s, (struct sockaddr *)&at, &len)) {
		perror("bench-load-udp: sink");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: recv returns EINTR */
	printf("%d\n", ntohs(at.sin_port));
	fflush(stdout);
	while (!stop)
		if (recv(s, buf, sizeof(buf), 0) >= 0)
			received++;
	printf("received %lld\n", received);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "send"))
		return do_send(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "sink"))
		return do_sink();
	fprintf(stderr, "usage: bench-load-udp send IFACE DST PORT COUNT PAYLOAD | sink\n");
	return 2;
}
