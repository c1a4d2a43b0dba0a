/* driver.c: the ddvc driver: read, parse, check, emit, in a straight line. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/ddvc.h"

enum stage { STAGE_PARSE, STAGE_CHECK, STAGE_EMIT };

static const char usage_text[] =
	"usage: ddvc compile SPEC... -o DIR   write DIR/<pack>.c (catalog inside), DIR/Kbuild\n"
	"       ddvc check SPEC...            parse and check only\n"
	"       ddvc catalog SPEC... [-o FILE] write the pack's catalog text (default: stdout)\n"
	"       ddvc doc SPEC... [-o FILE.md]  write the review document\n"
	"options:\n"
	"  -o, --output=PATH         output directory (compile) or file (catalog, doc)\n"
	"  -I, --import-path=DIR     look for imported packs' specs (DIR/PACK/*.ddv) here first\n"
	"      --stop-after=STAGE    parse, check or emit\n"
	"  -h, --help                this text\n"
	"  -V, --version             the version\n"
	"      --list-diagnostics    every diagnostic id, one a line\n"
	"      --list-checks         the semantic checks, in the order they run\n"
	"Diagnostics: file:line:col: error: message [id]. Exit status: 0 ok, 1 errors, 2 usage.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("ddvc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return 2;
}

/* Whole file into memory; binary input is fine (the lexer reports it). */
static struct srcfile *read_source(const char *name)
{
	struct srcfile *f = tree_alloc(sizeof(*f));
	FILE *in = fopen(name, "rb");
	size_t cap = 65536, len = 0, n;
	char *buf;

	f->name = name;
	if (!in) {
		struct srcpos pos = { 0, 0, 0, 0, NULL };

		diag_report(SEV_ERROR, &pos, DIAG_IO_OPEN, "%s: %s", name, strerror(errno));
		return NULL;
	}
	buf = malloc(cap + 1);
	while (buf && (n = fread(buf + len, 1, cap - len, in)) > 0) {
		len += n;
		if (len == cap) {
			char *bigger = cap > (512u << 20) ? NULL : realloc(buf, cap * 2 + 1);

			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (!buf || ferror(in)) {
		struct srcpos pos = { 0, 0, 0, 0, NULL };

		diag_report(SEV_ERROR, &pos, DIAG_IO_OPEN, "%s: %s", name,
			    buf ? strerror(errno) : "too large to read");
		fclose(in);
		free(buf);
		return NULL;
	}
	fclose(in);
	/* The arena owns the text from here; one copy, freed with the tree. */
	f->text = tree_strndup(buf, len);
	f->len = len;
	free(buf);
	diag_add_source(f);
	return f;
}

/* The directory part of path, "." when it has none. */
static const char *dir_of(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? tree_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : ".";
}

/*
 * The import path, in order: each -I DIR, the importing file's directory,
 * the SDK's specs beside this ddvc (PREFIX/bin/ddvc: PREFIX/share/ddv/sdk/specs,
 * a staged or moved installation), the configured SDK's. NULL-terminated.
 */
static const char **import_path(const char **dirs, int ndirs, const char *file)
{
	const char **path = tree_alloc((ndirs + 4) * sizeof(*path));
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int n = 0;

	for (int i = 0; i < ndirs; i++)
		path[n++] = dirs[i];
	path[n++] = dir_of(file);
	if (len > 0) {
		const char *bin;

		exe[len] = '\0';
		bin = dir_of(exe);
		if (strlen(bin) > 4 && !strcmp(bin + strlen(bin) - 4, "/bin"))
			path[n++] = tree_printf("%.*s/share/ddv/sdk/specs", (int)strlen(bin) - 4, bin);
	}
	path[n++] = DDV_SPECSDIR;
	return path;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.ddv files of dir, sorted, in the arena; NULL when there are none. */
static const char **spec_files(const char *dir, int *n)
{
	DIR *d = opendir(dir);
	const char **files = NULL;
	struct dirent *e;
	int cap = 0;

	*n = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".ddv"))
			continue;
		if (*n == cap) {
			const char **more = tree_alloc((cap = cap ? 2 * cap : 16) * sizeof(*more));

			if (*n)
				memcpy(more, files, *n * sizeof(*more));
			files = more;
		}
		files[(*n)++] = tree_printf("%s/%s", dir, e->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(files, *n, sizeof(*files), by_name);
	return *n ? files : NULL;
}

static struct srcfile *read_source(const char *name);

/*
 * Reads each `import PACK;` of spec: the specs of PACK/ on the import path,
 * parsed and checked as a pack of their own (their diagnostics name their
 * files); their types become names the rules may use (checks.c find_type).
 */
static void load_imports(struct spec *spec, const char **dirs, int ndirs)
{
	for (struct import *imp = spec->imports; imp; imp = imp->next) {
		const char **path = import_path(dirs, ndirs, imp->pos.file), **files = NULL;
		int nfiles = 0;

		for (struct import *o = spec->imports; o != imp; o = o->next)
			if (!strcmp(o->pack, imp->pack))
				imp->spec = o->spec;	/* imported twice: the first one's */
		if (imp->spec)
			continue;
		if (spec->pack && !strcmp(imp->pack, spec->pack)) {
			error_at(&imp->pos, IMPORT_MISMATCH, "pack %s cannot import itself", imp->pack);
			continue;
		}
		for (int i = 0; path[i] && !files; i++) {
			imp->dir = tree_printf("%s/%s", path[i], imp->pack);
			files = spec_files(imp->dir, &nfiles);
		}
		if (!files) {
			error_at(&imp->pos, IMPORT_NOT_FOUND,
				 "import %s: no %s/*.ddv in the import path (-I DIR, the spec's own "
				 "directory, the SDK's specs)", imp->pack, imp->pack);
			continue;
		}
		imp->spec = spec_new();
		for (int i = 0; i < nfiles; i++) {
			struct srcfile *f = read_source(files[i]);

			if (f)
				parse_file(imp->spec, f);
		}
		if (diag_error_count())
			return;
		if (imp->spec->imports) {
			error_at(&imp->spec->imports->pos, IMPORT_MISMATCH,
				 "an imported pack (%s) cannot import another", imp->pack);
			return;
		}
		if (imp->spec->pack && strcmp(imp->spec->pack, imp->pack)) {
			error_at(&imp->spec->pack_pos, IMPORT_MISMATCH,
				 "the specs in %s are pack %s, not pack %s", imp->dir,
				 imp->spec->pack, imp->pack);
			return;
		}
		check_spec(imp->spec);
		if (diag_error_count())
			return;
		for (struct type_decl *t = imp->spec->types; t; t = t->next) {
			t->from = imp;
			t->import_index = -1;
		}
	}
}

/* Writes one output through a temporary name, so a failed run leaves nothing half written. */
static int write_output(const char *path, struct spec *spec, int (*emit)(struct spec *, FILE *))
{
	char *tmp = tree_printf("%s.tmp%ld", path, (long)getpid());
	FILE *out = strcmp(path, "-") ? fopen(tmp, "w") : stdout;
	int err;

	if (!out) {
		diag_report(SEV_ERROR, NULL, DIAG_IO_WRITE, "%s: %s", path, strerror(errno));
		return -1;
	}
	err = emit(spec, out);
	if (out == stdout)
		return fflush(stdout) || err ? -1 : 0;
	if (fclose(out) || err || rename(tmp, path)) {
		diag_report(SEV_ERROR, NULL, DIAG_IO_WRITE, "%s: %s", path, strerror(err ? err : errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int run(const char *command, char **files, int nfiles, const char *output,
	       enum stage stop, const char **dirs, int ndirs)
{
	struct spec *spec = spec_new();
	bool compile = !strcmp(command, "compile");

	for (int i = 0; i < nfiles; i++) {
		struct srcfile *f = read_source(files[i]);

		if (f)
			parse_file(spec, f);
		if (diag_error_count() >= DDVC_MAX_ERRORS)
			break;
	}
	if (diag_error_count() || stop == STAGE_PARSE)
		return diag_error_count() ? 1 : 0;
	load_imports(spec, dirs, ndirs);
	if (diag_error_count())
		return 1;
	check_spec(spec);
	if (diag_error_count() || stop == STAGE_CHECK || !strcmp(command, "check"))
		return diag_error_count() ? 1 : 0;
	if (seal_version(spec)) {
		diag_report(SEV_ERROR, NULL, DIAG_IO_WRITE, "catalog digest: %s", strerror(errno));
		return 1;
	}
	if (compile) {
		const char *base = tree_printf("%s/%s", output, spec->pack);
		struct stat st;

		if (stat(output, &st) && mkdir(output, 0777)) {
			diag_report(SEV_ERROR, NULL, DIAG_IO_WRITE, "%s: %s", output, strerror(errno));
			return 1;
		}
		if (write_output(tree_printf("%s.c", base), spec, emit_c) ||
		    write_output(tree_printf("%s/Kbuild", output), spec, emit_kbuild))
			return 1;
	} else if (write_output(output ? output : "-", spec,
				!strcmp(command, "catalog") ? emit_catalog : emit_doc)) {
		return 1;
	}
	return 0;
}

static int parse_stage(const char *arg, enum stage *stop)
{
	if (!strcmp(arg, "parse"))
		*stop = STAGE_PARSE;
	else if (!strcmp(arg, "check"))
		*stop = STAGE_CHECK;
	else if (!strcmp(arg, "emit"))
		*stop = STAGE_EMIT;
	else
		return usage_error("--stop-after=%s: say parse, check or emit", arg);
	return 0;
}

int ddvc_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "import-path", required_argument, NULL, 'I' },
		{ "stop-after", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "list-diagnostics", no_argument, NULL, 'D' },
		{ "list-checks", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *command = NULL;
	enum stage stop = STAGE_EMIT;
	char **files = calloc((size_t)argc + 1, sizeof(*files));
	const char **dirs = calloc((size_t)argc + 1, sizeof(*dirs));
	int c, rc = 2, nfiles = 0, ndirs = 0;

	if (!files || !dirs) {
		free(files);
		free(dirs);
		return 1;
	}
	optind = 0;	/* glibc: start over (the fuzz harness calls us many times) */
	opterr = 0;
	diag_reset();
	/* "-" in front: operands come back in order as option 1, options may stand anywhere. */
	while ((c = getopt_long(argc, argv, "-o:I:hV", options, NULL)) != -1) {
		switch (c) {
		case 1:
			if (!command)
				command = optarg;
			else
				files[nfiles++] = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'I':
			dirs[ndirs++] = optarg;
			break;
		case 's':
			if (parse_stage(optarg, &stop))
				goto out;
			break;
		case 'h':
			fputs(usage_text, stdout);
			rc = 0;
			goto out;
		case 'V':
			printf("ddvc %s (catalog format %d, runtime ABI %d)\n", PACKAGE_VERSION,
			       DDV_CATALOG_FORMAT, DDV_ABI_VERSION);
			rc = 0;
			goto out;
		case 'D':
			for (int i = 0; i < DIAG_COUNT; i++)
				puts(diag_id_name(i));
			rc = 0;
			goto out;
		case 'C':
			for (size_t i = 0; i < nchecks; i++)
				printf("%-12s %s\n", checks[i].name, checks[i].summary);
			rc = 0;
			goto out;
		default:
			usage_error("unknown option or missing argument: '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (!command)
		usage_error("%s", "no command given");
	else if (strcmp(command, "compile") && strcmp(command, "check") &&
		 strcmp(command, "catalog") && strcmp(command, "doc"))
		usage_error("unknown command '%s' (compile, check, catalog, doc)", command);
	else if (!nfiles)
		usage_error("%s: no spec file given", command);
	else if (!strcmp(command, "compile") && !output)
		usage_error("%s", "compile: say where with -o DIR");
	else
		rc = run(command, files, nfiles, output, stop, dirs, ndirs);
out:
	free(files);
	free(dirs);
	tree_free_all();
	return rc;
}
