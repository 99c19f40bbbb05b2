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
#include "log_repair.h"

/* What a file's text is held in: a guarded read-only mapping, or a heap copy
 * when every guard slot is taken (thousands of files at once). */
struct text_map {
	void *base;      /* NULL for an empty file */
	size_t len;
	bool heap;
	bool unguarded;  /* a heap copy because no guard slot was free */
};

/* How a load goes: whether the user named the file, and the format it must
 * be (--xconfig FILE: an xConfiguration dump), NULL for any. */
struct load_ctx {
	bool explicit;
	const struct log_format *want;
};

static int load_path(struct model *m, const char *path, int depth, struct load_ctx lc,
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

/* Returns the 1-based line that holds byte off of the len bytes at d. */
static uint32_t
text_line_at(const char *d, size_t len, size_t off)
{
	const char *e = d + (off < len ? off : len);
	uint32_t lf = 0, cr = 0;
	for (const char *p = d; p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		lf++;
	if (lf == 0) /* old Mac line ends */
		for (const char *p = d; p < e && (p = memchr(p, '\r', (size_t)(e - p))) != NULL; p++)
			cr++;
	return 1 + (lf > 0 ? lf : cr);
}

/* Returns what text that no row reads looked like, for the account
 * (pooled): a format recognised but not read, an empty file, binary data,
 * or text, saying how many SIP blocks it held without entry headers. */
static const char *
looks_like(struct model *m, const struct log_format *fmt, const char *d, size_t n)
{
	char buf[256];
	size_t k = n < 4096 ? n : 4096, ctl = 0, blocks = 0;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)d[i];
		ctl += c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r');
	}
	for (const char *p = d; (p = memmem(p, (size_t)(d + n - p), "SIPMSG:", 7)) != NULL; p += 7) {
		const char *b = p; /* a block's mark starts its line, after blanks */
		while (b > d && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		blocks += b == d || b[-1] == '\n' || b[-1] == '\r';
	}
	if (fmt != NULL)
		snprintf(buf, sizeof buf, "%s (not read by this version)", fmt->what);
	else if (n == 0)
		snprintf(buf, sizeof buf, "empty file");
	else if (ctl > k / 100 + 1)
		snprintf(buf, sizeof buf, "binary data");
	else if (blocks > 0)
		snprintf(buf, sizeof buf, "text holding %zu SIPMSG block%s but no Expressway entry "
		    "header line (\"2018-01-01T12:56:48.964-05:00 host tvcs: ...\")", blocks,
		    blocks == 1 ? "" : "s");
	else
		snprintf(buf, sizeof buf, "text without %s entries or xConfiguration settings",
		    log_format_default()->what);
	return strpool_intern(m->pool, buf, strlen(buf));
}

/* Returns nothing; moves the line numbers that the scan of file fi gave
 * (messages from m0, events from e0, problems from p0) from the repaired
 * copy's lines to the file's. */
static void
reline(struct model *m, uint32_t fi, size_t m0, size_t e0, size_t p0, uint32_t file_lines)
{
	struct log_file *f = &m->files[fi];
	const uint32_t *map = f->line_map;
	uint32_t nmap = f->nline_map;
	for (size_t i = m0; i < m->nmsgs; i++) {
		struct sip_msg *s = &m->msgs[i];
		uint32_t copy = s->msg_line;
		s->line = log_repair_line(map, nmap, s->line, 0);
		s->msg_line = log_repair_line(map, nmap, s->msg_line, 0);
		if (copy != 0 && s->msg_line != 0) {
			uint32_t sub = copy - log_repair_unline(map, nmap, s->msg_line);
			s->msg_sub = (uint8_t)(sub < 255 ? sub : 255);
		}
	}
	for (size_t i = e0; i < m->nevents; i++)
		m->events[i].line = log_repair_line(map, nmap, m->events[i].line, 0);
	for (size_t i = p0; i < f->nproblems; i++)
		f->problems[i].line = log_repair_line(map, nmap, f->problems[i].line, 0);
	f->nlines = file_lines;
}

/* Returns nothing; adds the notes of a repair to f's problems. */
static void
repair_notes(struct model *m, struct log_file *f, const struct log_repair *rp)
{
	for (size_t i = 0; i < rp->nnotes; i++)
		model_problem(m, f, rp->notes[i].line, rp->notes[i].recovered, "%s", rp->notes[i].what);
}

/* Returns 0 after scanning the text of tm (repaired when rp->text was
 * taken: rp holds its map) as fmt into a new file of m. */
static int
scan_text(struct model *m, const char *path, const struct log_format *fmt, struct text_map *tm,
    struct log_repair *rp, uint32_t shrank)
{
	struct log_file *f = add_file(m, path, fmt, tm->base != NULL ? tm->base : "", tm->len, tm);
	uint32_t fi = (uint32_t)(m->nfiles - 1);
	f->line_map = rp->map;
	f->nline_map = rp->nmap;
	rp->map = NULL;
	repair_notes(m, f, rp);
	if (shrank)
		model_problem(m, f, shrank, false,
		    "the file shrank while it was being read; bytes past the cut were read as empty");
	if (tm->unguarded)
		model_problem(m, f, 1, true, "read into memory, not mapped: all %d guard "
		    "slots for mapped files are taken", LOG_GUARD_SLOTS);
	size_t m0 = m->nmsgs, e0 = m->nevents, p0 = f->nproblems;
	int rc = fmt->scan(m, fi);
	if (m->files[fi].line_map != NULL)
		reline(m, fi, m0, e0, p0, rp->file_lines);
	return rc;
}

/* Returns 0 after reading the text of tm as the format that claims it,
 * once put back the way the Expressway wrote it (log_repair.h): logs are
 * scanned, dumps taken, and every other file kept as ignored with what it
 * looked like, so that every input is accounted for. With lc.want, text
 * of another format is an error (-1, err). */
static int
take_text(struct model *m, const char *path, struct text_map *tm, struct load_ctx lc,
    char *err, size_t errlen)
{
	const char *d = tm->base != NULL ? tm->base : "";
	size_t n = tm->len, off;
	uint32_t shrank = 0;
	struct log_repair rp = {0};
	if (n > 0 && log_repair_wanted(d, n) && log_repair(d, n, &rp)) {
		/* the copy is what is read from now on: the mapping goes */
		if (!tm->heap && log_guard_take_cut(tm->base, &off))
			shrank = text_line_at(d, n, off);
		release(tm);
		*tm = (struct text_map){rp.text, rp.len, true, tm->unguarded};
		rp.text = NULL;
		d = tm->base != NULL ? tm->base : "";
		n = tm->len;
	}
	const struct log_format *fmt = log_format_sniff(d, n);
	if (lc.want != NULL && fmt != lc.want && lc.want->sniff(d, n < LOG_SNIFF ? n : LOG_SNIFF))
		fmt = lc.want; /* the user says what it is, and it looks like it too */
	int rc = 0;
	if (lc.want != NULL && fmt != lc.want) {
		snprintf(err, errlen, "%s: not an %s (it looks like %s)", path, lc.want->what,
		    fmt != NULL ? fmt->what : looks_like(m, NULL, d, n));
		rc = -1;
	} else if (fmt != NULL && fmt->scan != NULL) {
		rc = scan_text(m, path, fmt, tm, &rp, shrank);
		log_repair_free(&rp);
		return rc;
	} else {
		struct log_file *f = add_file(m, path, fmt, "", 0, NULL);
		repair_notes(m, f, &rp);
		if (fmt != NULL && fmt->take != NULL)
			rc = fmt->take(m, path, d, n);
		else
			m->files[m->nfiles - 1].ignored = looks_like(m, fmt, d, n);
	}
	log_repair_free(&rp);
	release(tm);
	return rc;
}

/* Returns nothing; keeps path, which was not read for reason (a link, a
 * device), as an ignored file in the account. */
static void
passed_over(struct model *m, const char *path, const char *reason)
{
	add_file(m, path, NULL, "", 0, NULL)->ignored = reason;
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
	return text_line_at(f->data, f->len, off);
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

static int write_all(int fd, const unsigned char *p, size_t n);

static int load_fd(struct model *m, const char *name, int fd, int depth, struct load_ctx lc,
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
    struct load_ctx lc, char *err, size_t errlen)
{
	struct archive_entry *e;
	size_t before = m->nfiles;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		bool raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
		const char *name = archive_entry_pathname(e);
		/* links, devices and directories carry no log text: never follow them */
		if (!raw && archive_entry_filetype(e) != AE_IFREG) {
			if (archive_entry_filetype(e) != AE_IFDIR) {
				char *member = xasprintf("%s:%s", outer, name ? name : "?");
				passed_over(m, member, archive_entry_filetype(e) == AE_IFLNK ?
				    "symbolic link (not followed)" : "not a regular file");
				free(member);
			}
			continue;
		}
		char *member = raw ? xstrdup(outer) : xasprintf("%s:%s", outer, name ? name : "?");
		struct load_ctx mc = {raw && lc.explicit, lc.want};
		int fd = tmp_fd();
		int rc = -1;
		bool cut = false;
		if (fd < 0) {
			snprintf(err, errlen, "%s: cannot create a temporary file: %s", outer,
			    strerror(errno));
		} else if (archive_read_data_into_fd(a, fd) != ARCHIVE_OK) {
			cut = true; /* mail gateways cut files: keep what came before the cut */
			if (load_fd(m, member, fd, depth + 1, mc, err, errlen) == 0)
				rc = archive_cut(m, a, member, before, err, errlen);
		} else {
			rc = load_fd(m, member, fd, depth + 1, mc, err, errlen);
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
    struct load_ctx lc, char *err, size_t errlen)
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
		rc = read_archive(m, a, name, depth, lc, err, errlen);
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
    struct load_ctx lc, char *err, size_t errlen)
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
		rc = load_fd(m, name, fd, depth + 1, lc, err, errlen);
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
load_fd(struct model *m, const char *name, int fd, int depth, struct load_ctx lc,
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
		int rc = gz && depth <= LOG_MAX_DEPTH ? load_gzip(m, name, u, n, depth, lc, err, errlen)
		    : load_archive(m, name, u, n, depth, lc, err, errlen);
		release(&tm);
		return rc;
	}
	if (u != NULL && !tm.heap)
		madvise(tm.base, n, MADV_SEQUENTIAL);
	size_t before = m->nfiles;
	int rc = take_text(m, name, &tm, lc, err, errlen);
	if (m->nfiles > before && u != NULL && m->files[m->nfiles - 1].map_base == u)
		check_shrunk(m, &m->files[m->nfiles - 1], fd);
	return rc;
}

/* Returns 0 after loading every entry of a directory, in name order. */
static int
load_dir(struct model *m, const char *path, int depth, struct load_ctx lc, char *err,
    size_t errlen)
{
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = 0;
	bool root = path[0] != '\0' && path[strlen(path) - 1] == '/'; /* "/" alone */
	struct load_ctx sub_lc = {false, lc.want};
	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;
		if (rc == 0 && d[0] != '.') {
			char *sub = xasprintf("%s%s%s", path, root ? "" : "/", d);
			rc = load_path(m, sub, depth + 1, sub_lc, err, errlen);
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* Returns 0 after copying what fd gives until its end (a pipe, a terminal,
 * a process substitution) into an unlinked temporary file and loading that,
 * as name; -1 with err. */
static int
load_stream(struct model *m, const char *name, int fd, int depth, struct load_ctx lc,
    char *err, size_t errlen)
{
	int t = tmp_fd();
	if (t < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", name, strerror(errno));
		return -1;
	}
	if (isatty(fd))
		fprintf(stderr, "xwtrace: reading %s from the terminal (end with Ctrl-D)\n", name);
	enum { BUFSZ = 1 << 16 };
	unsigned char *buf = xmalloc(BUFSZ);
	int rc = 0;
	for (;;) {
		ssize_t r = read(fd, buf, BUFSZ);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (r > 0 && write_all(t, buf, (size_t)r) < 0)) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			rc = -1;
		}
		if (r <= 0 || rc < 0)
			break;
	}
	free(buf);
	if (rc == 0)
		rc = load_fd(m, name, t, depth, lc, err, errlen);
	close(t);
	return rc;
}

/* Returns the kind of a file that is neither a directory nor a regular
 * file, for the account. */
static const char *
odd_kind(mode_t mode)
{
	return S_ISFIFO(mode) ? "a pipe (named in a directory: not read)" : S_ISSOCK(mode) ? "a socket"
	    : S_ISCHR(mode) || S_ISBLK(mode) ? "a device" : "not a regular file";
}

static int
load_path(struct model *m, const char *path, int depth, struct load_ctx lc, char *err,
    size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) && !lc.explicit) {
		passed_over(m, path, "symbolic link (not followed)"); /* links could loop or escape */
		return 0;
	}
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode) && lc.want != NULL) {
		snprintf(err, errlen, "%s: is a directory, not an %s", path, lc.want->what);
		return -1;
	}
	if (S_ISDIR(st.st_mode) && depth > LOG_MAX_DEPTH) {
		too_deep(m, path, "directories");
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(m, path, depth, lc, err, errlen);
	if (!S_ISREG(st.st_mode) && !lc.explicit) {
		passed_over(m, path, odd_kind(st.st_mode));
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = S_ISREG(st.st_mode) ? load_fd(m, path, fd, depth, lc, err, errlen)
	    : load_stream(m, path, fd, depth, lc, err, errlen);
	close(fd);
	return rc;
}

int
log_load_memory(struct model *m, const char *name, const char *data, size_t n)
{
	const struct log_format *fmt = log_format_default();
	struct log_repair rp = {0};
	if (n > 0 && log_repair_wanted(data, n) && log_repair(data, n, &rp)) {
		struct text_map tm = {rp.text, rp.len, true, false};
		rp.text = NULL;
		int rc = scan_text(m, name, fmt, &tm, &rp, 0);
		log_repair_free(&rp);
		return rc;
	}
	add_file(m, name, fmt, data, n, NULL);
	return fmt->scan(m, (uint32_t)(m->nfiles - 1));
}

/* Returns path as the user typed it, normalised: runs of '/' made one and a
 * trailing '/' dropped (not the root's), so that paths built on it have no
 * "//". The caller frees it. */
static char *
path_norm(const char *path)
{
	char *p = xstrdup(path), *o = p;
	for (const char *q = path; *q; q++)
		if (!(*q == '/' && o > p && o[-1] == '/'))
			*o++ = *q;
	*o = '\0';
	if (o - p > 1 && o[-1] == '/')
		o[-1] = '\0';
	return p;
}

/* Returns 0 after loading what path names (see log_load) with lc. */
static int
load_named(struct model *m, const char *path, struct load_ctx lc, char *err, size_t errlen)
{
	if (strcmp(path, "-") == 0)
		return load_stream(m, LOG_STDIN_NAME, STDIN_FILENO, 0, lc, err, errlen);
	char *p = path_norm(path);
	int rc = load_path(m, p, 0, lc, err, errlen);
	free(p);
	return rc;
}

int
log_load(struct model *m, const char *path, char *err, size_t errlen)
{
	return load_named(m, path, (struct load_ctx){true, NULL}, err, errlen);
}

int
log_load_as(struct model *m, const char *path, const char *format, char *err, size_t errlen)
{
	const struct log_format *want = log_format_named(format);
	if (want == NULL) {
		snprintf(err, errlen, "%s: no input format '%s'", path, format);
		return -1;
	}
	return load_named(m, path, (struct load_ctx){true, want}, err, errlen);
}
