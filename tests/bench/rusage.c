/* rusage.c - runs a command and reports its wall time and peak resident memory.
 *
 *   rusage [-o FILE] [--] COMMAND [ARG...]
 *
 * Writes "WALL_SECONDS MAX_RSS_KB" (e.g. "1.234 56789") and a newline to FILE,
 * or to stderr without -o. The command keeps our stdin, stdout and stderr.
 * Exits with the command's status: 128+N when signal N killed it, 127 when
 * it could not be started. The benchmark uses this rather than GNU time,
 * whose presence and output format vary between systems.
 */
#define _DEFAULT_SOURCE /* wait4 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Returns the seconds elapsed from a to b. */
static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Returns 0 after writing the report to path (stderr when NULL), 1 on error. */
static int
report(const char *path, double secs, long rss_kb)
{
	FILE *fp = path ? fopen(path, "w") : stderr;
	if (!fp) {
		fprintf(stderr, "rusage: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(fp, "%.3f %ld\n", secs, rss_kb);
	if (path && fclose(fp) != 0)
		return 1;
	return 0;
}

/* Returns the exit status: the command's, or 2 on a usage error. */
int
main(int argc, char **argv)
{
	const char *out = NULL;
	int i = 1, status = 0;
	struct rusage ru;
	struct timespec t0, t1;
	if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
		out = argv[i + 1];
		i += 2;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: rusage [-o FILE] [--] COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[i], argv + i);
		fprintf(stderr, "rusage: %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	memset(&ru, 0, sizeof ru);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("rusage: wait4");
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (report(out, elapsed(&t0, &t1), ru.ru_maxrss) != 0)
		return 127;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
