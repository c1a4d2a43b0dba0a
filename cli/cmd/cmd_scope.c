/* cmd_scope.c: "ddv scope begin|end NAME DRIVER": a leak scope between two user-chosen points. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "util.h"
#include "runtime.h"
#include "commands.h"

/*
 * The runtime knows one unnamed scope per driver; the name lives in the state
 * directory, so that 'end' in another process can check it closes the scope
 * that 'begin' opened.
 */
static char *scope_file(int dut)
{
	char *name = xasprintf("scope-%d", dut), *path = state_path(name);

	free(name);
	return path;
}

int cmd_scope(int argc, char **argv)
{
	bool begin = argc == 4 && !strcmp(argv[1], "begin");
	const char *name = argc == 4 ? argv[2] : NULL, *driver = argc == 4 ? argv[3] : NULL;
	uint64_t args[2], out[4] = { 0 };
	char *path = NULL, *open_name = NULL;
	int fd = -1, dut, err, status = EXIT_ERROR;
	size_t size;

	if (argc != 4 || (!begin && strcmp(argv[1], "end"))) {
		printf("usage: ddv scope begin|end NAME DRIVER\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
	}
	dut = state_find_dut(driver);
	if (dut < 0) {
		ddv_error(-dut, "scope %s: %s is not a driver under test (ddv load or ddv attach it)",
			  name, driver);
		return EXIT_ERROR;
	}
	path = scope_file(dut);
	if (!begin) {
		if (read_whole_file(path, (void **)&open_name, &size)) {
			ddv_error(ENOENT, "scope end %s: no scope of %s is open", name, driver);
			goto out;
		}
		if (strcmp(open_name, name)) {
			ddv_error(EINVAL, "scope end %s: the open scope of %s is %s", name, driver,
				  open_name);
			goto out;
		}
	}
	fd = ctl_open();
	if (fd < 0)
		goto out;
	args[0] = begin;
	args[1] = dut;
	err = ctl_call(fd, DDV_OP_SCOPE, 2, args, out);
	if (err) {
		ddv_error(-err, "scope %s %s of %s%s", argv[1], name, driver,
			  err == -EBUSY ? " (a scope is open already: one at a time)" : "");
		goto out;
	}
	if (begin) {
		if (write_whole_file(path, name, strlen(name) + 1))
			goto out;
		printf("ddv: scope %s of %s begins\n", name, driver);
		status = EXIT_OK;
	} else {
		unlink(path);
		/* The leaks are log records: keep them for ddv report. */
		drain_log(fd);
		printf("ddv: scope %s of %s ends: %llu object%s created in it still live\n", name,
		       driver, (unsigned long long)out[0], out[0] == 1 ? "" : "s");
		status = out[0] ? EXIT_FINDINGS : EXIT_OK;
	}
out:
	if (fd >= 0)
		close(fd);
	free(open_name);
	free(path);
	return status;
}
