/* suppress.c: suppressions (findings left out by rule id and stack pattern) and the named stacks they and the report's groups look at. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "util.h"
#include "module.h"

/* "func+0xoff [module]" without " [module]": the part patterns usually name. */
static size_t frame_name_len(const char *frame)
{
	const char *mod = strstr(frame, " [");

	return mod ? (size_t)(mod - frame) : strlen(frame);
}

/* The module a frame's name ends in ("func+0x1 [mod]" -> "mod", length in *len), or NULL. */
static const char *frame_module(const char *frame, size_t *len)
{
	const char *mod = strstr(frame, " [");

	if (!mod)
		return NULL;
	mod += 2;
	*len = strcspn(mod, "]");
	return mod;
}

static bool frame_in_module(const char *frame, const char *module)
{
	size_t len;
	const char *mod = frame_module(frame, &len);

	return mod && module && len == strlen(module) && !strncmp(mod, module, len);
}

/* Whether a named frame lies in the finding's driver or a module of its family. */
static bool frame_in_family(const char *frame, const struct event *ev)
{
	size_t len;

	if (!frame_module(frame, &len) || !ev->driver || frame_in_module(frame, ev->driver) ||
	    frame_in_module(frame, ev->module))
		return true;
	for (size_t i = 0; i < ev->nmembers; i++)
		if (frame_in_module(frame, ev->members[i]))
			return true;
	return false;
}

/*
 * The frames of a finding, innermost first, as suppressions and groups see
 * them, named from kallsyms. A campaign judges a load after its unload, when
 * the driver's frames are no longer there to name: frame 0 of a plain call
 * site is the return address right after that call, so the site names it
 * (unless the runtime's own frame stands there: the stack was taken without
 * finding the driver's frame). For the key, frames that nothing names, or
 * that name a module outside the driver's family (the driver and its
 * members: a member's finding has the driver's frames and the other
 * members' too), are "?": the driver's next load lies elsewhere, and its
 * gone text may lie right past another module's last symbol (the pack's),
 * which would name it wrongly.
 */
void event_frames(const struct event *ev, struct frames *f)
{
	memset(f, 0, sizeof(*f));
	for (unsigned int i = 0; i < ev->nstack && i < EVENT_MAX_FRAMES; i++) {
		struct strbuf sb = { 0 };
		bool named = ksym_name(ev->stack[i], &sb);

		if (!i && ev->site && ev->site->opcode == 0xe8 && ev->module &&
		    !(named && frame_in_module(sb.s, "ddv"))) {
			/* e8 rel32: five bytes, the return address follows them. */
			sb.len = 0;
			sb_printf(&sb, "%s+%#x [%s]", ev->site->func, ev->site->func_offset + 5,
				  ev->module);
			f->known[i] = true;
		} else if (named) {
			f->known[i] = frame_in_family(sb.s, ev);
		} else {
			sb_printf(&sb, "%#" PRIx64, ev->stack[i]);
		}
		f->name[i] = sb.s;
		f->n++;
	}
}

void frames_free(struct frames *f)
{
	for (unsigned int i = 0; i < f->n; i++)
		free(f->name[i]);
	f->n = 0;
}

/* "a > b > c" (a called from b...); as a key, frames nothing names are "?". */
void frames_join(const struct frames *f, bool key, struct strbuf *sb)
{
	for (unsigned int i = 0; i < f->n; i++) {
		sb_puts(sb, i ? " > " : "");
		sb_puts(sb, key && !f->known[i] ? "?" : f->name[i]);
	}
}

/* --- patterns ------------------------------------------------------------ */

/* A glob's '[' classes are closed: "[e1000" would match nothing, silently. */
static bool glob_ok(const char *glob)
{
	for (const char *p = glob; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			const char *q = p + 1;

			if (*q == '!' || *q == '^')
				q++;
			if (*q == ']')
				q++;
			q = strchr(q, ']');
			if (!q)
				return false;
			p = q;
		}
	}
	return true;
}

static char *trimmed(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return xstrndup(s, len);
}

/*
 * RULE[@FRAME[>FRAME...]] into out; NULL, or the reason it is no pattern
 * (a static sentence; *bad gets the offending part, to free).
 */
const char *suppression_parse(const char *text, struct suppression *out, char **bad)
{
	const char *at = strchr(text, '@'), *p;

	memset(out, 0, sizeof(*out));
	*bad = NULL;
	out->rule = trimmed(text, at ? (size_t)(at - text) : strlen(text));
	if (!*out->rule) {
		suppression_free(out);
		return at ? "no rule id before '@' (write * for any rule)" : "empty pattern";
	}
	if (strchr(out->rule, '>')) {
		suppression_free(out);
		return "'>' before '@': the stack comes after the rule (RULE@FRAME>FRAME)";
	}
	if (strpbrk(out->rule, " \t")) {
		*bad = xstrdup(out->rule);
		suppression_free(out);
		return "a blank inside the rule id";
	}
	if (!glob_ok(out->rule)) {
		*bad = xstrdup(out->rule);
		suppression_free(out);
		return "a '[' without its ']'";
	}
	if (!at)
		goto done;
	if (strchr(at + 1, '@')) {
		suppression_free(out);
		return "a second '@' (one rule, then one stack pattern)";
	}
	for (p = at + 1;;) {
		const char *gt = strchr(p, '>');
		char *frame = trimmed(p, gt ? (size_t)(gt - p) : strlen(p));

		if (!*frame) {
			bool in_path = out->nframes || gt;

			free(frame);
			suppression_free(out);
			return in_path ? "an empty frame pattern around '>'" :
			       "nothing after '@' (a site or frame glob, or FRAME>FRAME...)";
		}
		if (!glob_ok(frame)) {
			*bad = frame;
			suppression_free(out);
			return "a '[' without its ']' (module names in brackets: write \\[ or *)";
		}
		if (out->nframes == SUPPRESSION_MAX_FRAMES) {
			free(frame);
			suppression_free(out);
			return "more frames than a stack keeps";
		}
		out->frames[out->nframes++] = frame;
		if (!gt)
			break;
		p = gt + 1;
	}
done:
	out->text = trimmed(text, strlen(text));
	return NULL;
}

void suppression_free(struct suppression *s)
{
	free(s->text);
	free(s->rule);
	for (unsigned int i = 0; i < s->nframes; i++)
		free(s->frames[i]);
	free(s->origin);
	memset(s, 0, sizeof(*s));
}

/* Adds one pattern; errors name where it came from (origin NULL: the command line). */
static int add_one(struct suppressions *s, const char *text, const char *origin)
{
	struct suppression one;
	const char *why;
	char *bad;

	why = suppression_parse(text, &one, &bad);
	if (why) {
		if (origin)
			fprintf(stderr, "%s: error: %s%s%s%s\n", origin, why, bad ? ": '" : "",
				bad ? bad : "", bad ? "'" : "");
		else
			ddv_error(0, "suppression '%s': %s%s%s%s", text, why, bad ? ": '" : "",
				  bad ? bad : "", bad ? "'" : "");
		free(bad);
		return -1;
	}
	one.origin = origin ? xstrdup(origin) : NULL;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = one;
	return 0;
}

/*
 * A file's patterns, one a line, '#' to the end of a line a comment. Every
 * bad line is told as "FILE:LINE: error: ..."; with any, none is added.
 */
int suppressions_add_text(struct suppressions *s, const char *text, size_t size, const char *file)
{
	unsigned int first = s->n, line = 1, errors = 0;
	const char *p = text, *end = text + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = (nl ? nl : end) - p;
		char *copy = xstrndup(p, len), *origin;

		copy[strcspn(copy, "#\r")] = '\0';
		if (strspn(copy, " \t") != strlen(copy)) {
			origin = xasprintf("%s:%u", file, line);
			errors += add_one(s, copy, origin) != 0;
			free(origin);
		}
		free(copy);
		line++;
		p = nl ? nl + 1 : end;
	}
	if (!errors)
		return 0;
	while (s->n > first)
		suppression_free(&s->v[--s->n]);
	ddv_error(0, "%s: %u bad suppression%s: none of the file's is used", file, errors,
		  errors == 1 ? "" : "s");
	return -1;
}

int suppressions_add_file(struct suppressions *s, const char *path)
{
	size_t size;
	char *text;
	int err;

	err = read_whole_file(path, (void **)&text, &size);
	if (err) {
		ddv_error(err < 0 ? -err : err, "suppression file %s", path);
		return -1;
	}
	err = suppressions_add_text(s, text, size, path);
	free(text);
	return err;
}

/* RULE[@FRAME[>FRAME...]], or a file of them (a path, or a name that is a readable file). */
int suppressions_add(struct suppressions *s, const char *arg)
{
	if (strchr(arg, '/') || !access(arg, R_OK))
		return suppressions_add_file(s, arg);
	return add_one(s, arg, NULL);
}

static bool frame_matches(const char *glob, const char *frame)
{
	size_t len = frame_name_len(frame);
	char *bare;
	bool match;

	if (!fnmatch(glob, frame, 0))
		return true;
	if (len == strlen(frame))
		return false;
	bare = xstrndup(frame, len);
	match = !fnmatch(glob, bare, 0);
	free(bare);
	return match;
}

/*
 * The first suppression that leaves out a finding of rule at site ("func+0xoff"
 * or "-") with these frames (innermost first), or NULL. A pattern's frames
 * match in order, innermost first, each further out than the one before
 * ("kfree>e1000_remove*": kfree called from e1000_remove, directly or not);
 * the site counts as the innermost frame. Its hits count the findings it took.
 */
struct suppression *suppressions_match(struct suppressions *s, const char *rule, const char *site,
				       const struct frames *frames)
{
	for (unsigned int i = 0; s && i < s->n; i++) {
		struct suppression *one = &s->v[i];
		unsigned int next = 0, nframes = frames ? frames->n : 0;

		if (fnmatch(one->rule, rule, 0))
			continue;
		if (one->nframes && !fnmatch(one->frames[0], site, 0))
			next = 1;
		for (unsigned int f = 0; f < nframes && next < one->nframes; f++)
			if (frame_matches(one->frames[next], frames->name[f]))
				next++;
		if (next == one->nframes) {
			one->hits++;
			return one;
		}
	}
	return NULL;
}

void suppressions_free(struct suppressions *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		suppression_free(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
