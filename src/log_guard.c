/* log_guard.c - surviving a log file that shrinks while it is mapped.
 *
 * Logs are mapped, not copied. When another process truncates one (a log
 * rotated in place, a download being rewritten), touching a page past the new
 * end raises SIGBUS, which would kill xwtrace on untrusted input. The handler
 * here puts a zero-filled page in place of such a page, so the read goes on
 * and sees NUL bytes (noise to the scanner), and records where the file was
 * cut so that the load can report it. A SIGBUS anywhere else is a bug, and
 * still kills.
 *
 * Global state is banned in xwtrace; this table is the one exception. A
 * signal handler cannot be handed the model, so the ranges it may repair must
 * be where it can find them alone. It may only touch lock-free atomics, so
 * every field is one, slots are claimed by compare-and-swap, and nothing here
 * locks or allocates.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log_guard.h"

#if ATOMIC_INT_LOCK_FREE != 2 || ATOMIC_LONG_LOCK_FREE != 2 || ATOMIC_POINTER_LOCK_FREE != 2
#error "the SIGBUS handler needs lock-free atomics"
#endif

enum { SLOT_FREE, SLOT_BUSY, SLOT_LIVE };

struct guard {
	atomic_int state;        /* SLOT_*: the handler trusts only SLOT_LIVE slots */
	atomic_uintptr_t base;   /* start of the mapping (page-aligned: mmap's result) */
	atomic_size_t span;      /* bytes mapped, rounded up to whole pages */
	atomic_size_t cut;       /* lowest offset known past the end; SIZE_MAX: none */
	atomic_int told;         /* the cut was handed to log_guard_take_cut */
};

static struct {
	struct guard slot[LOG_GUARD_SLOTS];
	atomic_int top;          /* every live slot is below top */
	pthread_once_t once;
	atomic_int ready;        /* the handler is in place */
	size_t page;             /* set before the handler exists, then read-only */
	struct sigaction old;    /* SIGBUS before us: given back for faults not ours */
} guards = {.once = PTHREAD_ONCE_INIT};

/* Returns the live slot whose range holds address a, or NULL. */
static struct guard *
slot_at(uintptr_t a)
{
	int top = atomic_load(&guards.top);
	for (int i = 0; i < top; i++) {
		struct guard *g = &guards.slot[i];
		if (atomic_load(&g->state) != SLOT_LIVE)
			continue;
		uintptr_t b = atomic_load(&g->base);
		if (a >= b && a - b < atomic_load(&g->span))
			return g;
	}
	return NULL;
}

/* Returns nothing; lowers g's cut to off unless a lower one is recorded. */
static void
lower_cut(struct guard *g, size_t off)
{
	size_t cur = atomic_load(&g->cut);
	while (off < cur && !atomic_compare_exchange_weak(&g->cut, &cur, off))
		;
}

/* Returns (to the faulting read, which runs again) after putting a zero page
 * over a guarded page past its file's end; for any other SIGBUS, gives the
 * old disposition back so that the process dies of it as it would have. */
static void
on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	int saved = errno;
	uintptr_t a = (uintptr_t)si->si_addr;
	/* BUS_ADRERR is what a read past the end of a mapped file gives; other
	 * codes (alignment, hardware errors) and sent signals are not ours */
	struct guard *g = si->si_code == BUS_ADRERR ? slot_at(a) : NULL;
	uintptr_t pg = a & ~(uintptr_t)(guards.page - 1);
	if (g != NULL && mmap((void *)pg, guards.page, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
		lower_cut(g, pg - atomic_load(&g->base));
		errno = saved;
		return;
	}
	sigaction(SIGBUS, &guards.old, NULL);
	/* a fault happens again on return, under the old disposition; a signal
	 * sent by kill or raise would not, so it is sent again (it stays pending
	 * while this handler runs) */
	if (si->si_code <= 0)
		raise(sig);
	errno = saved;
}

/* Returns nothing; installs the handler (run once, by pthread_once). */
static void
install(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	guards.page = pg > 0 ? (size_t)pg : 4096;
	struct sigaction sa = {0};
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, NULL, &guards.old) == 0 && sigaction(SIGBUS, &sa, NULL) == 0)
		atomic_store(&guards.ready, 1);
}

/* Returns nothing; raises guards.top to at least n. */
static void
raise_top(int n)
{
	int cur = atomic_load(&guards.top);
	while (cur < n && !atomic_compare_exchange_weak(&guards.top, &cur, n))
		;
}

bool
log_guard_add(const void *base, size_t len)
{
	pthread_once(&guards.once, install);
	if (!atomic_load(&guards.ready) || base == NULL)
		return false;
	for (int i = 0; i < LOG_GUARD_SLOTS; i++) {
		struct guard *g = &guards.slot[i];
		int st = SLOT_FREE;
		if (!atomic_compare_exchange_strong(&g->state, &st, SLOT_BUSY))
			continue;
		atomic_store(&g->base, (uintptr_t)base);
		atomic_store(&g->span, (len + guards.page - 1) / guards.page * guards.page);
		atomic_store(&g->cut, SIZE_MAX);
		atomic_store(&g->told, 0);
		raise_top(i + 1);
		atomic_store(&g->state, SLOT_LIVE); /* published last: the handler may look now */
		return true;
	}
	return false;
}

/* Returns the live slot of the mapping that starts at base, or NULL. */
static struct guard *
slot_of(const void *base)
{
	int top = atomic_load(&guards.top);
	for (int i = 0; i < top; i++) {
		struct guard *g = &guards.slot[i];
		if (atomic_load(&g->state) == SLOT_LIVE && atomic_load(&g->base) == (uintptr_t)base)
			return g;
	}
	return NULL;
}

void
log_guard_drop(const void *base)
{
	struct guard *g = slot_of(base);
	if (g != NULL)
		atomic_store(&g->state, SLOT_FREE);
}

void
log_guard_lower_cut(const void *base, size_t off)
{
	struct guard *g = slot_of(base);
	if (g != NULL)
		lower_cut(g, off);
}

bool
log_guard_take_cut(const void *base, size_t *off)
{
	struct guard *g = slot_of(base);
	if (g == NULL)
		return false;
	size_t c = atomic_load(&g->cut);
	int no = 0;
	if (c == SIZE_MAX || !atomic_compare_exchange_strong(&g->told, &no, 1))
		return false;
	*off = c;
	return true;
}
