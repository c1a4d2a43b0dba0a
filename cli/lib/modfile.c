/* modfile.c: reads a kernel module file into memory, decompressing a .ko.xz with liblzma. */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "util.h"

static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
static const unsigned char gzip_magic[2] = { 0x1f, 0x8b };

/* Decompresses a whole .xz stream; returns 0, or -EINVAL for a corrupt one. */
int xz_decompress(const void *in, size_t in_size, void **out, size_t *out_size)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	size_t cap = in_size * 4 + 4096;
	unsigned char *buf;
	lzma_ret ret;

	/* A module's decompressed size is a few MiB at most: 1 GiB of limit is plenty. */
	if (lzma_stream_decoder(&strm, 1ULL << 30, 0) != LZMA_OK)
		return -ENOMEM;
	buf = xmalloc(cap);
	strm.next_in = in;
	strm.avail_in = in_size;
	strm.next_out = buf;
	strm.avail_out = cap;
	for (;;) {
		ret = lzma_code(&strm, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK && ret != LZMA_BUF_ERROR)
			goto corrupt;
		if (strm.avail_out == 0) {
			size_t used = cap;

			cap *= 2;
			buf = xrealloc(buf, cap);
			strm.next_out = buf + used;
			strm.avail_out = cap - used;
		} else if (ret == LZMA_BUF_ERROR) {
			goto corrupt;	/* input ended before the stream did */
		}
	}
	*out_size = strm.total_out;
	*out = buf;
	lzma_end(&strm);
	return 0;
corrupt:
	lzma_end(&strm);
	free(buf);
	return ret == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
}

/*
 * Returns the module's ELF image in *image (to free). *compressed says whether
 * the file was an .xz stream, which finit_module() can only take with
 * MODULE_INIT_COMPRESSED_FILE.
 */
int modfile_read(const char *path, void **image, size_t *size, bool *compressed)
{
	void *data, *plain;
	size_t len, plain_len;
	int err;

	err = read_whole_file(path, &data, &len);
	if (err) {
		ddv_error(-err, "%s", path);
		return err;
	}
	*compressed = false;
	if (len >= sizeof(xz_magic) && !memcmp(data, xz_magic, sizeof(xz_magic))) {
		err = xz_decompress(data, len, &plain, &plain_len);
		free(data);
		if (err) {
			ddv_error(-err, "%s: cannot decompress", path);
			return err;
		}
		*compressed = true;
		data = plain;
		len = plain_len;
	} else if ((len >= sizeof(zstd_magic) && !memcmp(data, zstd_magic, sizeof(zstd_magic))) ||
		   (len >= sizeof(gzip_magic) && !memcmp(data, gzip_magic, sizeof(gzip_magic)))) {
		free(data);
		ddv_error(ENOTSUP, "%s: only .xz compressed modules are supported", path);
		return -ENOTSUP;
	}
	*image = data;
	*size = len;
	return 0;
}
