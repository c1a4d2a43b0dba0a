/*
 * replay.c: runs a libFuzzer harness's entry on files, without libFuzzer or
 * clang: make check builds one per harness (tests/local.mk) and replays each
 * kept corpus and every crash found through it. Directories are read whole.
 * usage: replay FILE|DIR...; prints "N inputs"; a crash is the test's failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned int count;

static void replay_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (size == cap) {
			cap = cap ? 2 * cap : 65536;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		n = fread(data + size, 1, cap - size, f);
		size += n;
	} while (n);
	fclose(f);
	/* libFuzzer hands over a copy of exactly size bytes: so does this. */
	LLVMFuzzerTestOneInput(size ? data : (const uint8_t *)"", size);
	free(data);
	count++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n;

	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	n = scandir(path, &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		char *child;

		if (names[i]->d_name[0] != '.' && strcmp(names[i]->d_name, "README")) {
			child = malloc(strlen(path) + strlen(names[i]->d_name) + 2);
			if (!child)
				abort();
			sprintf(child, "%s/%s", path, names[i]->d_name);
			replay(child);
			free(child);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		replay(argv[i]);
	fprintf(stderr, "%u inputs\n", count);
	return 0;
}
