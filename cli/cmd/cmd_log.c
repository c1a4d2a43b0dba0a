/*
 * cmd_log.c: "ddv log" prints every record, "ddv report" the findings, as text
 * or JSON, or for CI as KTAP or JUnit XML (cireport.h); --html a page (htmlreport.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "util.h"
#include "runtime.h"
#include "kernlog.h"
#include "decode.h"
#include "trigger.h"
#include "commands.h"

struct view {
	struct session s;
	struct decoder dec;
	bool json;
};

/*
 * Drains the runtime (when it is there) and readies a decoder over the
 * session (session.c). Returns 0, or -errno with a sentence said: the runtime
 * is there but refuses this user (its records would be missing, so nothing is
 * shown rather than part), there is no session, or a catalog is not its pack's.
 */
static int view_open(struct view *v, bool json)
{
	const char *dev = getenv("DDV_DEVICE");
	int fd, err;

	fd = open(dev && *dev ? dev : DDV_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		err = errno;
		ddv_error(err, "%s: the runtime's log is for root (CAP_SYS_ADMIN)",
			  dev && *dev ? dev : DDV_DEVICE);
		return -err;
	}
	err = session_load(&v->s, fd);
	if (fd >= 0) {
		if (!err)
			drain_log(fd);
		close(fd);
	}
	if (err)
		return err;
	decoder_init(&v->dec, &v->s.cat, &v->s.rt, true);
	v->json = json;
	return 0;
}

static void view_close(struct view *v)
{
	decoder_free(&v->dec);
	session_free(&v->s);
}

static void print_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct view *v = data;
	struct strbuf sb = { 0 };

	if (v->json)
		event_json(dec, ev, &sb);
	else
		event_text(dec, ev, &sb);
	fputs(sb.s, stdout);
	sb_free(&sb);
}

/* --follow: records as they come, until interrupted or the runtime goes. */
static int follow(struct view *v)
{
	const char *dev = getenv("DDV_DEVICE");
	char *path = state_path("records");
	size_t cap = 1 << 20;
	char *buf = xmalloc(cap);
	int fd, out;

	fd = open(dev && *dev ? dev : DDV_DEVICE, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	out = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0 || out < 0) {
		ddv_error(errno, "log --follow");
		if (fd >= 0)
			close(fd);
		if (out >= 0)
			close(out);	/* it was left open when the device was not there */
		free(buf);
		return EXIT_ERROR;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		fflush(stdout);
		if (poll(&pfd, 1, 500) == 0) {
			/* Quiet: nothing more will join the events that wait. */
			decode_flush(&v->dec, print_event, v);
			continue;
		}
		n = read(fd, buf, cap);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0 || (pfd.revents & (POLLHUP | POLLERR)))
			break;
		if (write(out, buf, n) != n)
			ddv_warn("log: cannot keep records in the state directory");
		trigger_act(buf, n);
		decode_chunk(&v->dec, buf, n, print_event, v);
	}
	decode_flush(&v->dec, print_event, v);
	close(fd);
	close(out);
	free(buf);
	return EXIT_OK;
}

/*
 * The suppressions of the configuration that ddv run applied (ddv.yaml(5)
 * suppress:), kept in the state directory until the next ddv start.
 */
static int state_suppressions(struct suppressions *supp)
{
	char *path = state_path(STATE_SUPPRESSIONS);
	int err = 0;

	if (!access(path, F_OK))
		err = suppressions_add_file(supp, path);
	free(path);
	return err;
}

/*
 * 0: go on; 1: help printed; -1: bad usage. --format and --html are ddv
 * report's (follow_flag NULL, html not NULL).
 */
static int parse_view_options(int argc, char **argv, const char *usage, enum ci_format *format,
			      bool *follow_flag, struct suppressions *supp, const char **html)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'F' },
		{ "suppress", required_argument, NULL, 's' },
		{ "suppressions", required_argument, NULL, 'S' },
		{ "follow", no_argument, NULL, 'f' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "jfs:S:F:H:h", options, NULL)) != -1) {
		switch (opt) {
		case 'H':
			if (!html) {
				ddv_error(0, "log: --html is ddv report's");
				return -1;
			}
			*html = optarg;
			break;
		case 's':
			if (!supp || suppressions_add(supp, optarg))
				return -1;
			break;
		case 'S':
			if (!supp || suppressions_add_file(supp, optarg))
				return -1;
			break;
		case 'j':
			*format = CI_JSON;
			break;
		case 'F':
			if (follow_flag) {
				ddv_error(0, "log: --format is ddv report's (ddv log takes --json)");
				return -1;
			}
			if (ci_format_parse(optarg, format))
				return -1;
			break;
		case 'f':
			if (!follow_flag)
				return -1;
			*follow_flag = true;
			break;
		case 'h':
			printf("usage: %s\n", usage);
			return 1;	/* done: help printed */
		default:
			return -1;
		}
	}
	if (optind != argc) {
		ddv_error(0, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

int cmd_log(int argc, char **argv)
{
	enum ci_format format = CI_TEXT;
	bool follow_flag = false;
	struct view v;
	size_t size;
	void *data;
	int r, status = EXIT_OK;

	r = parse_view_options(argc, argv, "ddv log [--follow] [--json]", &format,
			       &follow_flag, NULL, NULL);
	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (view_open(&v, format == CI_JSON))
		return EXIT_ERROR;
	if (state_read_records(&data, &size)) {
		ddv_error(errno, "reading the kept records");
		view_close(&v);
		return EXIT_ERROR;
	}
	decode_stream(&v.dec, data, size, print_event, &v);
	free(data);
	if (follow_flag)
		status = follow(&v);
	if (v.dec.dropped)
		ddv_warn("%llu log records were lost (ring full)", (unsigned long long)v.dec.dropped);
	view_close(&v);
	return status;
}

int cmd_report(int argc, char **argv)
{
	struct report rep = { 0 };
	struct kcomplaints kernel = { 0 };
	struct suppressions supp = { 0 };
	struct ci_result ci = { 0 };
	struct html_page page = { 0 };
	enum ci_format format = CI_TEXT;
	const char *html = NULL;
	char *cli_findings;
	struct view v;
	size_t size;
	void *data;
	int r;

	r = parse_view_options(argc, argv,
			       "ddv report [--json | --format text|json|ktap|junit] [--html FILE]\n"
			       "                  [--suppress RULE[@FRAME[>FRAME...]]|FILE]...\n"
			       "                  [--suppressions FILE]...",
			       &format, NULL, &supp, &html);
	if (!r)
		r = state_suppressions(&supp);
	if (r) {
		suppressions_free(&supp);
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (supp.n)
		rep.supp = &supp;
	if (view_open(&v, format == CI_JSON)) {
		suppressions_free(&supp);
		return EXIT_ERROR;
	}
	v.dec.sources = rep.sources = true;
	rep.json = format == CI_JSON;
	if (format == CI_KTAP || format == CI_JUNIT) {
		rep.ci = &ci;
		rep.ci_format = format;
	}
	if (html)
		rep.html = &page;
	if (state_read_records(&data, &size)) {
		ddv_error(errno, "reading the kept records");
		view_close(&v);
		return EXIT_ERROR;
	}
	decode_stream(&v.dec, data, size, report_event, &rep);
	free(data);
	if (state_read_findings(&cli_findings))
		cli_findings = NULL;
	/* Without /dev/kmsg (no root, a container) the report has the runtime's findings alone. */
	kernlog_read(&kernel);
	report_kernel(&rep, &kernel, cli_findings);
	kernlog_free(&kernel);
	if (cli_findings) {
		report_cli_findings(&rep, cli_findings);
		free(cli_findings);
	}
	report_summary(&rep, &v.dec);
	if (html) {
		report_html(&rep, &v.dec);
		r = html_write_file(&page, html);
		html_free(&page);
	}
	fputs(rep.out.s, stdout);
	sb_free(&rep.out);
	free(rep.hang_seen);
	ci_free(&ci);
	free(rep.modules);
	suppressions_free(&supp);
	view_close(&v);
	if (r)
		return EXIT_ERROR;	/* the page was asked for and is not there */
	if (report_nothing_checked(&rep)) {
		/* A CI job must not read "0 findings" as a pass when no driver ran. */
		ddv_error(0, "%s (state in %s)", REPORT_NOTHING_CHECKED, state_dir());
		return EXIT_ERROR;
	}
	return rep.findings ? EXIT_FINDINGS : EXIT_OK;
}
