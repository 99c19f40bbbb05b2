/* log_text.c - times and key="value" fields of log text (see log_text.h;
 * the per-line helpers are inline there). */
#include <ctype.h>
#include <string.h>

#include "log_text.h"

/* Returns days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Returns the value of the n decimal digits at s. */
static int
num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Returns the time of "YYYY-MM-DD?hh:mm:ss" plus an optional [.,]fraction,
 * or XW_TIME_NONE; *used is set to the bytes read. */
static xw_time
parse_datetime(const char *s, size_t n, size_t *used)
{
	if (n < 19 || !log_is_digits(s, 4) || s[4] != '-' || !log_is_digits(s + 5, 2) ||
	    s[7] != '-' || !log_is_digits(s + 8, 2) || !log_is_digits(s + 11, 2) || s[13] != ':' ||
	    !log_is_digits(s + 14, 2) || s[16] != ':' || !log_is_digits(s + 17, 2))
		return XW_TIME_NONE;
	int mo = num(s + 5, 2), d = num(s + 8, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return XW_TIME_NONE;
	int64_t days = days_from_civil(num(s, 4), (unsigned)mo, (unsigned)d);
	int64_t t = ((days * 24 + num(s + 11, 2)) * 60 + num(s + 14, 2)) * 60 + num(s + 17, 2);
	t *= 1000;
	size_t i = 19;
	if (i < n && (s[i] == ',' || s[i] == '.')) {
		int ms = 0, k = 0;
		for (i++; i < n && isdigit((unsigned char)s[i]); i++, k++)
			if (k < 3)
				ms = ms * 10 + (s[i] - '0');
		for (; k < 3; k++)
			ms *= 10;
		t += ms;
	}
	*used = i;
	return t;
}

xw_time
log_parse_utctime(const char *s, size_t n)
{
	size_t used;
	return parse_datetime(s, n, &used);
}

xw_time
log_parse_iso(const char *s, size_t n)
{
	size_t i;
	xw_time t = parse_datetime(s, n, &i);
	if (t == XW_TIME_NONE)
		return t;
	if (i < n && s[i] == 'Z')
		return t;
	if (i + 6 <= n && (s[i] == '+' || s[i] == '-') && log_is_digits(s + i + 1, 2) &&
	    s[i + 3] == ':' && log_is_digits(s + i + 4, 2)) {
		int64_t off = (num(s + i + 1, 2) * 60 + num(s + i + 4, 2)) * 60000LL;
		return s[i] == '+' ? t - off : t + off;
	}
	return t;
}

const char *
log_value_end(const char *p, const char *e)
{
	for (const char *q = p; q < e; q++) {
		if (*q != '"')
			continue;
		const char *r = q + 1;
		if (r >= e || *r == ':')
			return q;
		if (*r != ' ')
			continue;
		while (r < e && *r == ' ')
			r++;
		if (r >= e)
			return q;
		if (!isupper((unsigned char)*r))
			continue;
		while (r < e && log_is_key_char(*r))
			r++;
		if (r + 1 < e && r[0] == '=' && r[1] == '"')
			return q;
	}
	return e;
}

bool
log_kv(const char *line, size_t len, const char *key, const char **val, size_t *vlen)
{
	size_t kl = strlen(key);
	const char *e = line + len;
	for (const char *p = line; p + kl + 2 <= e;) {
		const char *f = log_find_str(p, (size_t)(e - p), key, kl);
		if (f == NULL || f + kl + 2 > e)
			return false;
		if (log_key_starts(line, f) && f[kl] == '=' && f[kl + 1] == '"') {
			const char *v = f + kl + 2;
			size_t n = (size_t)(log_value_end(v, e) - v);
			log_trim(&v, &n);
			*val = v;
			*vlen = n;
			return true;
		}
		p = f + 1;
	}
	return false;
}

size_t
log_kv_all(const char *s, size_t n, struct log_pair *out, size_t max)
{
	const char *e = s + n, *p = s, *q;
	size_t count = 0;
	while ((q = memchr(p, '=', (size_t)(e - p))) != NULL && q + 1 < e) {
		p = q + 1;
		if (q[1] != '"')
			continue;
		const char *k = q;
		while (k > s && log_is_key_char(k[-1]))
			k--;
		if (k == q || !log_key_starts(s, k))
			continue;
		const char *v = q + 2;
		size_t vn = (size_t)(log_value_end(v, e) - v);
		log_trim(&v, &vn);
		if (count < max)
			out[count] = (struct log_pair){(size_t)(k - s), (size_t)(q - k), (size_t)(v - s), vn};
		count++;
	}
	return count;
}
