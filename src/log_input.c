/* log_input.c - opening what the user named: files, .gz, directories, bundles.
 *
 * Plain files are mapped read-only, never copied. Compressed data and bundle
 * members are decompressed into an unlinked temporary file that is then
 * mapped, so memory stays bounded and nothing is written under a name taken
 * from an archive. Every mapping is guarded against the file shrinking under
 * it (log_guard.c): the text then reads as NUL bytes past the cut. What a
 * file is, and how it is read, is the table of formats' to say
 * (log_format.h): nothing here knows one format from another.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "log_format.h"
#include "log_guard.h"

/* What a file's text is held in: a guarded read-only mapping, or a heap copy
 * when every guard slot is taken (thousands of files at once). */
struct text_map {
	void *base;      /* NULL for an empty file */
	size_t len;
	bool heap;
	bool unguarded;  /* a heap copy because no guard slot was free */
};

static int load_path(struct model *m, const char *path, int depth, bool explicit,
    char *err, size_t errlen);

static bool
is_compressed(const unsigned char *d, size_t n)
{
	if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return true;                                  /* gzip */
	if (n >= 3 && memcmp(d, "BZh", 3) == 0)
		return true;
	if (n >= 6 && memcmp(d, "\xfd" "7zXZ", 5) == 0)
		return true;
	return n >= 262 && memcmp(d + 257, "ustar", 5) == 0; /* plain tar */
}

/* Returns nothing; gives back what tm holds. */
static void
release(struct text_map *tm)
{
	if (tm->heap) {
		free(tm->base);
	} else if (tm->base != NULL) {
		log_guard_drop(tm->base); /* first: the address may be reused once unmapped */
		munmap(tm->base, tm->len);
	}
	tm->base = NULL;
}

/* Returns nothing; gives back the text of a file added with a text_map (its
 * release hook, which model_free calls). */
static void
release_file(struct log_file *f)
{
	struct text_map tm = {.base = f->map_is_heap ? (void *)f->data : f->map_base,
		.len = f->map_len, .heap = f->map_is_heap};
	release(&tm);
	f->data = NULL;
	f->map_base = NULL;
}

/* Returns a new file entry for len bytes of text at data, held by tm (NULL
 * when the caller keeps the text). */
static struct log_file *
add_file(struct model *m, const char *path, const struct log_format *fmt, const char *data,
    size_t len, const struct text_map *tm)
{
	struct log_file f = {0};
	f.path = strpool_str(m->pool, path);
	f.fmt = fmt;
	f.data = data;
	f.len = len;
	/* a heap copy has no map_base: the scanner drops the pages of a mapping
	 * (MADV_DONTNEED), which would zero a heap copy */
	f.map_base = tm != NULL && !tm->heap ? tm->base : NULL;
	f.map_len = tm != NULL ? tm->len : 0;
	f.map_is_heap = tm != NULL && tm->heap && tm->base != NULL;
	f.release = tm != NULL && tm->base != NULL ? release_file : NULL;
	f.host_idx = -1;
	VEC_PUSH(m->files, m->nfiles, m->filecap, f);
	return &m->files[m->nfiles - 1];
}

/* Returns 0 after reading the text of tm as the format that claims it; text
 * that no row reads is kept with a problem when the user named it. */
static int
take_text(struct model *m, const char *path, struct text_map *tm, bool explicit)
{
	const char *d = tm->base != NULL ? tm->base : "";
	size_t n = tm->len;
	const struct log_format *fmt = log_format_sniff(d, n);
	if (fmt != NULL && fmt->scan != NULL) {
		struct log_file *f = add_file(m, path, fmt, d, n, tm);
		if (tm->unguarded)
			model_problem(m, f, 1, true, "read into memory, not mapped: all %d guard "
			    "slots for mapped files are taken", LOG_GUARD_SLOTS);
		return fmt->scan(m, (uint32_t)(m->nfiles - 1));
	}
	int rc = 0;
	if (fmt != NULL && fmt->take != NULL) {
		rc = fmt->take(m, path, d, n);
	} else if (explicit) {
		/* named by the user: keep it so the report says it held no entries */
		add_file(m, path, fmt, d, n, tm);
		model_problem(m, &m->files[m->nfiles - 1], 1, false, "no %s entries found",
		    log_format_default()->what);
		return 0;
	}
	release(tm);
	return rc;
}

/* Returns nothing; keeps path, nested too deep in what ("archives",
 * "directories") to be read, as a file with no text that reports it. */
static void
too_deep(struct model *m, const char *path, const char *what)
{
	add_file(m, path, NULL, "", 0, NULL);
	model_problem(m, &m->files[m->nfiles - 1], 1, false, "%s nested more than %d deep: not read",
	    what, LOG_MAX_DEPTH);
}

/* Returns 0 with up to n bytes of fd (from its start) copied into tm; -1 on a
 * read error. A file that ends early simply gives less text. */
static int
read_fd(int fd, size_t n, struct text_map *tm)
{
	char *p = xmalloc(n);
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*tm = (struct text_map){got > 0 ? p : NULL, got, true, true};
	if (got == 0)
		free(p);
	return 0;
}

/* Returns 0 with fd's first n bytes in tm (nothing when n == 0), or -1. */
static int
map_fd(int fd, size_t n, struct text_map *tm)
{
	*tm = (struct text_map){NULL, 0, false, false};
	if (n == 0)
		return 0;
	void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	/* guarded before the first byte is read */
	if (log_guard_add(p, n)) {
		*tm = (struct text_map){p, n, false, false};
		return 0;
	}
	munmap(p, n);
	return read_fd(fd, n, tm);
}

/* Returns the 1-based line that holds byte off of f's text. */
static uint32_t
line_at(const struct log_file *f, size_t off)
{
	const char *d = f->data, *e = f->data + (off < f->len ? off : f->len);
	uint32_t lf = 0, cr = 0;
	for (const char *p = d; p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		lf++;
	if (lf == 0) /* old Mac line ends */
		for (const char *p = d; p < e && (p = memchr(p, '\r', (size_t)(e - p))) != NULL; p++)
			cr++;
	return 1 + (lf > 0 ? lf : cr);
}

/* Returns true after adding the shrink problem to f, when its mapping was
 * found cut and this was not yet reported. */
static bool
note_cut(struct model *m, struct log_file *f)
{
	size_t off;
	if (f->map_base == NULL || !log_guard_take_cut(f->map_base, &off))
		return false;
	model_problem(m, f, line_at(f, off), false,
	    "the file shrank while it was being read; bytes past the cut were read as empty");
	return true;
}

size_t
log_note_shrunk(struct model *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nfiles; i++)
		n += note_cut(m, &m->files[i]);
	return n;
}

/* Returns an unlinked temporary file descriptor, or -1. */
static int
tmp_fd(void)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/xwtrace.XXXXXX", dir);
	fd = mkstemp(tmpl);
	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

static int load_fd(struct model *m, const char *name, int fd, int depth, bool explicit,
    char *err, size_t errlen);

/* Returns 0 when an archive cut short had given some log before the cut (the
 * last file loaded notes the cut), or -1 with err when it had given none. */
static int
archive_cut(struct model *m, struct archive *a, const char *name, size_t before,
    char *err, size_t errlen)
{
	if (m->nfiles <= before) {
		snprintf(err, errlen, "%s: %s", name, archive_error_string(a));
		return -1;
	}
	struct log_file *f = &m->files[m->nfiles - 1];
	model_problem(m, f, f->nlines ? f->nlines : 1, false,
	    "%s is cut short (%s); read up to the cut", name, archive_error_string(a));
	return 0;
}

/* Returns 0 after loading every regular member of the open archive (of a cut
 * archive, every member before the cut). */
static int
read_archive(struct model *m, struct archive *a, const char *outer, int depth,
    char *err, size_t errlen)
{
	struct archive_entry *e;
	size_t before = m->nfiles;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		bool raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
		/* links, devices and directories carry no log text: never follow them */
		if (!raw && archive_entry_filetype(e) != AE_IFREG)
			continue;
		const char *name = archive_entry_pathname(e);
		char *member = raw ? xstrdup(outer) : xasprintf("%s:%s", outer, name ? name : "?");
		int fd = tmp_fd();
		int rc = -1;
		bool cut = false;
		if (fd < 0) {
			snprintf(err, errlen, "%s: cannot create a temporary file: %s", outer,
			    strerror(errno));
		} else if (archive_read_data_into_fd(a, fd) != ARCHIVE_OK) {
			cut = true; /* mail gateways cut files: keep what came before the cut */
			if (load_fd(m, member, fd, depth + 1, raw, err, errlen) == 0)
				rc = archive_cut(m, a, member, before, err, errlen);
		} else {
			rc = load_fd(m, member, fd, depth + 1, raw, err, errlen);
		}
		if (fd >= 0)
			close(fd);
		free(member);
		if (rc < 0 || cut)
			return rc;
	}
	if (r != ARCHIVE_EOF)
		return archive_cut(m, a, outer, before, err, errlen);
	return 0;
}

/* Returns 0 after reading a compressed file or a bundle from memory. */
static int
load_archive(struct model *m, const char *name, const void *d, size_t n, int depth,
    char *err, size_t errlen)
{
	if (depth > LOG_MAX_DEPTH) {
		too_deep(m, name, "archives");
		return 0;
	}
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_raw(a);
	int rc = -1;
	if (archive_read_open_memory(a, d, n) != ARCHIVE_OK)
		snprintf(err, errlen, "%s: %s", name, archive_error_string(a));
	else
		rc = read_archive(m, a, name, depth, err, errlen);
	archive_read_free(a);
	return rc;
}

/* Returns 0 after writing all n bytes of p to fd, -1 on a write error. */
static int
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Returns the bytes inflated from the n gzip bytes at d into fd (every member
 * of a multi-member file), or -1 on a write error. *why is set when the data
 * ends early or is corrupt: what came before stays written. zlib is used
 * rather than libarchive, which drops everything when the end is missing. */
static long long
gunzip_to_fd(const unsigned char *d, size_t n, int fd, const char **why)
{
	enum { BUFSZ = 1 << 16 };
	unsigned char *buf = xmalloc(BUFSZ);
	z_stream z = {0};
	long long total = 0;
	*why = NULL;
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		*why = "zlib cannot start";
		free(buf);
		return 0;
	}
	for (;;) {
		if (z.avail_in == 0 && n > 0) { /* avail_in is 32 bits: feed 1 GB at a time */
			size_t k = n < (1u << 30) ? n : (1u << 30);
			z.next_in = (unsigned char *)d;
			z.avail_in = (uInt)k;
			d += k;
			n -= k;
		}
		z.next_out = buf;
		z.avail_out = BUFSZ;
		int zr = inflate(&z, Z_NO_FLUSH);
		size_t got = BUFSZ - z.avail_out;
		if (got > 0 && write_all(fd, buf, got) < 0) {
			total = -1;
			break;
		}
		total += (long long)got;
		bool more = z.avail_in > 0 || n > 0;
		if (zr == Z_STREAM_END) {
			/* another member follows, or trailing junk that is ignored */
			if (!more || z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
				break;
			inflateReset(&z);
		} else if (zr == Z_BUF_ERROR && !more) {
			*why = "the gzip data ends early";
			break;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			*why = z.msg != NULL ? z.msg : "corrupt gzip data";
			break;
		}
	}
	inflateEnd(&z);
	free(buf);
	return total;
}

/* Returns 0 after loading what a .gz holds (up to a cut, which the last file
 * loaded notes), or -1 with err when nothing could be inflated. */
static int
load_gzip(struct model *m, const char *name, const void *d, size_t n, int depth,
    bool explicit, char *err, size_t errlen)
{
	int fd = tmp_fd();
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", name, strerror(errno));
		return -1;
	}
	const char *why;
	size_t before = m->nfiles;
	long long got = gunzip_to_fd(d, n, fd, &why);
	int rc = -1;
	if (got < 0)
		snprintf(err, errlen, "%s: cannot write a temporary file: %s", name, strerror(errno));
	else if (got == 0 && why != NULL)
		snprintf(err, errlen, "%s: not readable as gzip: %s", name, why);
	else
		rc = load_fd(m, name, fd, depth + 1, explicit, err, errlen);
	if (rc == 0 && why != NULL && m->nfiles > before) {
		struct log_file *f = &m->files[m->nfiles - 1];
		model_problem(m, f, f->nlines ? f->nlines : 1, false,
		    "cut short (%s); read up to the cut", why);
	}
	close(fd);
	return rc;
}

/* Returns nothing; reports f (just scanned from fd, still open) once when its
 * file shrank. A cut inside a page reads as zeros without a fault, so the
 * size is looked at too. */
static void
check_shrunk(struct model *m, struct log_file *f, int fd)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size < f->len)
		log_guard_lower_cut(f->map_base, (size_t)st.st_size);
	note_cut(m, f);
}

/* Returns 0 after loading the open file fd (any kind); does not close fd. */
static int
load_fd(struct model *m, const char *name, int fd, int depth, bool explicit,
    char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	struct text_map tm;
	if (map_fd(fd, (size_t)st.st_size, &tm) < 0) {
		snprintf(err, errlen, "%s: cannot map: %s", name, strerror(errno));
		return -1;
	}
	const unsigned char *u = tm.base;
	size_t n = tm.len;
	if (u != NULL && is_compressed(u, n)) {
		bool gz = n >= 2 && u[0] == 0x1f && u[1] == 0x8b;
		int rc = gz && depth <= LOG_MAX_DEPTH ? load_gzip(m, name, u, n, depth, explicit, err, errlen)
		    : load_archive(m, name, u, n, depth, err, errlen);
		release(&tm);
		return rc;
	}
	if (u != NULL && !tm.heap)
		madvise(tm.base, n, MADV_SEQUENTIAL);
	size_t before = m->nfiles;
	int rc = take_text(m, name, &tm, explicit);
	if (m->nfiles > before && u != NULL && m->files[m->nfiles - 1].map_base == u)
		check_shrunk(m, &m->files[m->nfiles - 1], fd);
	return rc;
}

/* Returns 0 after loading every entry of a directory, in name order. */
static int
load_dir(struct model *m, const char *path, int depth, char *err, size_t errlen)
{
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;
		if (rc == 0 && d[0] != '.') {
			char *sub = xasprintf("%s/%s", path, d);
			rc = load_path(m, sub, depth + 1, false, err, errlen);
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int
load_path(struct model *m, const char *path, int depth, bool explicit, char *err,
    size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) && !explicit)
		return 0; /* links inside directories could loop or escape */
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode) && depth > LOG_MAX_DEPTH) {
		too_deep(m, path, "directories");
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(m, path, depth, err, errlen);
	if (!S_ISREG(st.st_mode))
		return explicit ? (snprintf(err, errlen, "%s: not a regular file", path), -1) : 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = load_fd(m, path, fd, depth, explicit, err, errlen);
	close(fd);
	return rc;
}

int
log_load_memory(struct model *m, const char *name, const char *data, size_t n)
{
	const struct log_format *fmt = log_format_default();
	add_file(m, name, fmt, data, n, NULL);
	return fmt->scan(m, (uint32_t)(m->nfiles - 1));
}

int
log_load(struct model *m, const char *path, char *err, size_t errlen)
{
	return load_path(m, path, 0, true, err, errlen);
}
