/* test_shrink.c - a log file truncated while xwtrace has it mapped: no
 * SIGBUS death, NUL bytes past the cut, one problem naming the file; and a
 * SIGBUS that is not about a mapped log still kills. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "log_guard.h"
#include "logbuild.h"
#include "model.h"
#include "t.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define REASON "the file shrank while it was being read; bytes past the cut were read as empty"

/* Returns nothing; appends a logged OPTIONS with Call-ID opt-N at second n. */
static void
options(struct sbuf *b, int n)
{
	char utc[32], *msg = xasprintf("OPTIONS sip:192.168.1.6:7003 SIP/2.0\n"
	    "Via: SIP/2.0/TLS 192.168.1.5:25001;branch=z9hG4bKopt%d;rport\n"
	    "Call-ID: opt-%d@192.168.1.5\nCSeq: 1 OPTIONS\nFrom: <sip:192.168.1.5>;tag=a%d\n"
	    "To: <sip:192.168.1.6:7003>\nMax-Forwards: 70\nContent-Length: 0\n\n", n, n, n);
	snprintf(utc, sizeof utc, "2017-09-19 18:%02d:%02d,140", n / 60 % 60, n % 60);
	lb_msg(b, "exp-e", utc, 0, "192.168.1.6", 7003, "192.168.1.5", 25001, msg);
	free(msg);
}

/* Returns a new file path under the test scratch directory (caller frees). */
static char *
scratch(const char *name)
{
	const char *dir = getenv("XW_TMP") ? getenv("XW_TMP") : "/tmp";
	return xasprintf("%s/shrink-%d-%s", dir, (int)getpid(), name);
}

/* Returns true after writing n bytes of d to a new file at path. */
static bool
write_file(const char *path, const char *d, size_t n)
{
	FILE *fp = fopen(path, "wb");
	bool ok = fp != NULL && fwrite(d, 1, n, fp) == n;
	return fp != NULL && fclose(fp) == 0 && ok;
}

/* Returns true after truncating the file at path to n bytes. */
static bool
cut_file(const char *path, size_t n)
{
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && ftruncate(fd, (off_t)n) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Returns the 1-based line of t that holds byte off. */
static uint32_t
line_of(const char *t, size_t off)
{
	uint32_t line = 1;
	for (size_t i = 0; i < off; i++)
		line += t[i] == '\n';
	return line;
}

/* Returns how many problems of f give the shrink reason; *line is the last one's. */
static int
shrink_problems(const struct log_file *f, uint32_t *line)
{
	int n = 0;
	for (size_t k = 0; k < f->nproblems; k++)
		if (strcmp(f->problems[k].reason, REASON) == 0) {
			n++;
			*line = f->problems[k].line;
		}
	return n;
}

/* Returns true when the text at d has exactly the bytes of want before cut and
 * only NUL bytes from cut to n. Every byte is read, so every page past the
 * cut is touched. */
static bool
reads_cut(const volatile char *d, const char *want, size_t cut, size_t n)
{
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok &= i < cut ? d[i] == want[i] : d[i] == '\0';
	return ok;
}

/* The file is cut after the load (in a page, not at a page end), then every
 * byte is read: before the fix the first page past the cut killed us. */
static void
test_cut_after_load(void)
{
	struct sbuf b = {0};
	for (int i = 0; i < 80; i++)
		options(&b, i);
	char *path = scratch("after.log"), err[512];
	CHECK(b.len > 5 * 4096);
	CHECK(write_file(path, b.s, b.len));
	struct model *m = model_new();
	CHECK_INT(log_load(m, path, err, sizeof err), 0);
	CHECK_INT(m->nmsgs, 80);
	CHECK_INT(log_note_shrunk(m), 0); /* nothing happened yet */
	struct log_file *f = &m->files[0];
	CHECK(f->map_base != NULL && !f->map_is_heap);
	size_t cut = 4096 + 1000;
	CHECK(cut_file(path, cut));
	CHECK(reads_cut(f->data, b.s, cut, f->len));
	CHECK(reads_cut(f->data, b.s, cut, f->len)); /* the zero pages stay */
	CHECK_INT(log_note_shrunk(m), 1);
	CHECK_INT(log_note_shrunk(m), 0); /* once per file */
	uint32_t line = 0;
	CHECK_INT(shrink_problems(f, &line), 1);
	CHECK_INT(line, line_of(b.s, cut));
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp = open_memstream(&out, &outlen);
	cmd_report_problems(m, fp);
	fclose(fp);
	char *want = xasprintf("xwtrace: %s:%u: " REASON "\n", path, line);
	CHECK_STR(out, want);
	free(want);
	free(out);
	model_free(m); /* unmaps what is now part file, part zero pages */
	unlink(path);
	free(path);
	sbuf_free(&b);
}

struct cutter {
	const char *path;
	size_t at;          /* where the file was cut, 0 before */
};

/* Returns nothing; cuts the file where the scan is, the first time it reports. */
static void
cut_midway(void *arg, uint64_t done, uint64_t total)
{
	struct cutter *c = arg;
	if (c->at == 0 && cut_file(c->path, (size_t)done))
		c->at = (size_t)done;
}

/* Returns nothing; appends a log over 8 MB (the scan reports progress every
 * 8 MB): 5 messages, cheap filler entries, 5 messages. */
static void
big_log(struct sbuf *b)
{
	for (int i = 0; i < 5; i++)
		options(b, i);
	while (b->len < (9u << 20))
		lb_head(b, "exp-e", "2017-09-19 18:02:00,000", "network.ldap", "INFO",
		    "Detail=\"filler entry that no diagnosis keeps, long enough to count\"");
	for (int i = 5; i < 10; i++)
		options(b, i);
}

/* The file is cut while the scan runs (from its progress callback): the scan
 * goes on over NUL bytes, keeps what came before and the load reports it. */
static void
test_cut_during_scan(void)
{
	struct sbuf b = {0};
	big_log(&b);
	char *path = scratch("during.log"), err[512];
	CHECK(write_file(path, b.s, b.len));
	struct model *m = model_new();
	struct cutter c = {path, 0};
	m->progress = cut_midway;
	m->progress_arg = &c;
	CHECK_INT(log_load(m, path, err, sizeof err), 0);
	CHECK(c.at > 0 && c.at < b.len);
	CHECK_INT(m->nfiles, 1);
	CHECK_INT(m->nmsgs, 5); /* the 5 after the cut are gone */
	const struct log_file *f = &m->files[0];
	uint32_t line = 0;
	CHECK_INT(shrink_problems(f, &line), 1);
	CHECK_INT(line, line_of(b.s, c.at));
	CHECK(reads_cut(f->data, b.s, c.at, f->len));
	CHECK_INT(log_note_shrunk(m), 0); /* already told by log_load */
	model_free(m);
	unlink(path);
	free(path);
	sbuf_free(&b);
}

/* Returns the wait status of a child that ran fn (which should die). */
static int
in_child(void (*fn)(const char *), const char *path)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		fn(path);
		_exit(0); /* survived: the test fails */
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return st;
}

/* Returns true when a child died the way an unhandled SIGBUS kills. Under
 * ASan the old handler given back is ASan's, which reports and aborts. */
static bool
died_of_sigbus(int st)
{
	if (SANITIZED)
		return WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
		    WEXITSTATUS(st) != 3);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS;
}

/* Returns nothing; loads path, so that the handler is in place and a log is
 * guarded. The model is kept on purpose: the child never returns. */
static void
load_one(const char *path)
{
	struct model *m = model_new();
	char err[512];
	if (log_load(m, path, err, sizeof err) != 0 || m->files[0].map_base == NULL)
		_exit(3);
}

/* Returns nothing; maps a page of fd at want (or anywhere when want is NULL),
 * cuts fd to nothing and reads the page. Dies when all is well. */
static void
touch_past_end(int fd, void *want)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (ftruncate(fd, pg) != 0)
		_exit(3);
	int fl = MAP_PRIVATE | (want != NULL ? MAP_FIXED_NOREPLACE : 0);
	volatile char *p = mmap(want, (size_t)pg, PROT_READ, fl, fd, 0);
	if (p == MAP_FAILED || (want != NULL && (void *)p != want) || ftruncate(fd, 0) != 0)
		_exit(3);
	(void)p[0];
}

/* Returns an open descriptor of a new unlinked scratch file (the child dies
 * when it cannot make one). */
static int
scratch_fd(const char *name)
{
	char *path = scratch(name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink(path);
	free(path);
	if (fd < 0)
		_exit(3);
	return fd;
}

/* Child: a file the log code never mapped is cut and read past its end. */
static void
foreign_fault(const char *path)
{
	load_one(path);
	touch_past_end(scratch_fd("foreign.bin"), NULL);
}

/* Child: a log is loaded and freed, then another file is mapped where it was
 * and cut: the freed range must no longer be repaired. */
static void
stale_fault(const char *path)
{
	struct model *m = model_new();
	char err[512];
	if (log_load(m, path, err, sizeof err) != 0 || m->files[0].map_base == NULL)
		_exit(3);
	void *was = m->files[0].map_base;
	model_free(m);
	touch_past_end(scratch_fd("stale.bin"), was);
}

/* Child: SIGBUS sent by a process, not by a fault. */
static void
sent_sigbus(const char *path)
{
	load_one(path);
	raise(SIGBUS);
}

/* A SIGBUS that is not a read past the end of a guarded log still kills. */
static void
test_other_sigbus_kills(void)
{
	struct sbuf b = {0};
	for (int i = 0; i < 4; i++)
		options(&b, i);
	char *path = scratch("kill.log");
	CHECK(write_file(path, b.s, b.len));
	int st = in_child(foreign_fault, path);
	CHECK(died_of_sigbus(st));
	st = in_child(sent_sigbus, path);
	CHECK(died_of_sigbus(st));
	st = in_child(stale_fault, path);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		fprintf(stderr, "  (stale range check skipped: address taken again)\n");
	else
		CHECK(died_of_sigbus(st));
	unlink(path);
	free(path);
	sbuf_free(&b);
}

/* With every guard slot taken, a log is read into memory instead: a cut
 * after the load changes nothing. */
static void
test_full_table_reads_copy(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	/* fake ranges that never fault: one byte apart, inside these pages */
	char *fake = mmap(NULL, (size_t)(4 * pg), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(fake != MAP_FAILED);
	if (fake == MAP_FAILED)
		return;
	int taken = 0;
	while (taken < 3 * pg && log_guard_add(fake + taken, 1))
		taken++;
	CHECK(taken > 0 && taken < 3 * pg); /* the table is fixed-size */
	struct sbuf b = {0};
	for (int i = 0; i < 20; i++)
		options(&b, i);
	char *path = scratch("full.log"), err[512];
	CHECK(write_file(path, b.s, b.len));
	struct model *m = model_new();
	CHECK_INT(log_load(m, path, err, sizeof err), 0);
	CHECK_INT(m->nmsgs, 20);
	CHECK(m->files[0].map_is_heap && m->files[0].map_base == NULL);
	CHECK(cut_file(path, 100));
	CHECK(reads_cut(m->files[0].data, b.s, b.len, b.len));
	CHECK_INT(log_note_shrunk(m), 0);
	model_free(m);
	for (int i = 0; i < taken; i++)
		log_guard_drop(fake + i);
	CHECK(log_guard_add(fake, 1)); /* slots come back */
	log_guard_drop(fake);
	munmap(fake, (size_t)(4 * pg));
	unlink(path);
	free(path);
	sbuf_free(&b);
}

T_LIST(T(test_cut_after_load), T(test_cut_during_scan), T(test_other_sigbus_kills),
    T(test_full_table_reads_copy))
