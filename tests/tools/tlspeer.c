/* tlspeer.c - one TLS 1.2/1.3 connection, client or server, that fails on
 * purpose the way the Expressway-E or Webex does in the Hybrid Call guide.
 * A test tool for tests/tools/mkcaptures.sh, not part of xwtrace.
 * Build: cc -O2 -Wall -o tlspeer tlspeer.c -lssl -lcrypto
 *
 * Exit status: 0 handshake (and exchange) done; 3 handshake failed (alert
 * sent or received, peer closed); 4 this side reset the connection on
 * purpose; 5 TCP connect failed (refused or timed out); 6 handshake done
 * but the SIP exchange after it failed (peer reset or closed); 2 setup error. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct opts {
	int server, verify, reject, rst_on_cert, tls, timeout, syncnt;
	int sent_alert; /* set by msg_cb: this side sent a TLS alert */
	const char *addr, *port, *src, *sport, *cert, *key, *chain, *ca, *sni;
	const char *fail_alert, *require_san, *send, *reply;
};

/* One alert the peer can be made to send, and the X509 verify error that
 * OpenSSL's ssl_x509err2alert() (ssl/statem/statem_lib.c) turns into it. */
static const struct {
	const char *name;
	int x509err;
} alert_map[] = {
	{"unknown_ca", X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY},
	/* absent from OpenSSL's table, so it takes the table's default */
	{"certificate_unknown", X509_V_ERR_SUBJECT_ISSUER_MISMATCH},
	{"bad_certificate", X509_V_ERR_CERT_REJECTED},
	{"certificate_expired", X509_V_ERR_CERT_HAS_EXPIRED},
	{"handshake_failure", X509_V_ERR_APPLICATION_VERIFICATION},
};

/* Prints the message and the OpenSSL error queue, then exits with rc. */
static void die(int rc, const char *msg)
{
	fprintf(stderr, "tlspeer: %s\n", msg);
	ERR_print_errors_fp(stderr);
	exit(rc);
}

/* Returns the X509 error for an alert name; exits on an unknown name. */
static int alert_err(const char *name)
{
	for (size_t i = 0; i < sizeof alert_map / sizeof alert_map[0]; i++)
		if (strcmp(alert_map[i].name, name) == 0)
			return alert_map[i].x509err;
	die(2, "unknown alert name");
	return 0;
}

/* Closes fd with SO_LINGER 0, so the kernel sends RST instead of FIN. */
static void reset_close(int fd)
{
	struct linger l = {1, 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

/* Verify callback: replaces OpenSSL's verdict by the alert asked for
 * (--fail-alert), and fails a chain that verified when --reject is set. */
static int verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	const struct opts *o = SSL_get_app_data(ssl);
	const char *alert = o->fail_alert ? o->fail_alert : "certificate_unknown";

	if (ok && o->reject && X509_STORE_CTX_get_error_depth(x) == 0) {
		X509_STORE_CTX_set_error(x, alert_err(alert));
		return 0;
	}
	if (!ok && o->fail_alert)
		X509_STORE_CTX_set_error(x, alert_err(o->fail_alert));
	return ok;
}

/* Message callback: notes an alert this side sends; with --rst-on-peer-cert,
 * resets the TCP connection the moment the peer's Certificate handshake
 * message has been read, as an inspecting firewall does, so no alert and no
 * further record goes out. */
static void msg_cb(int write_p, int version, int type, const void *buf, size_t len,
		   SSL *ssl, void *arg)
{
	struct opts *o = arg;
	const unsigned char *b = buf;

	(void)version;
	if (write_p && type == SSL3_RT_ALERT)
		o->sent_alert = 1;
	if (write_p || !o->rst_on_cert || type != SSL3_RT_HANDSHAKE || len < 1 ||
	    b[0] != SSL3_MT_CERTIFICATE)
		return;
	reset_close(SSL_get_fd(ssl));
	fprintf(stderr, "tlspeer: reset after the peer's Certificate\n");
	_exit(4);
}

/* Returns a socket connected (client) or accepted (server) as o asks. */
static int tcp_open(const struct opts *o)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM}, *ai, *sa;
	struct timeval tv = {o->timeout, 0};
	int one = 1, fd, c;

	if (getaddrinfo(o->addr, o->port, &hints, &ai))
		die(2, "bad --addr/--port");
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (o->server) {
		struct pollfd p = {fd, POLLIN, 0};
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 4))
			die(2, "cannot listen");
		printf("listening\n");
		fflush(stdout);
		if (poll(&p, 1, o->timeout * 1000) != 1)
			die(2, "no connection came");
		c = accept(fd, NULL, NULL);
		close(fd);
		fd = c;
	} else {
		if (o->src) {
			if (getaddrinfo(o->src, o->sport ? o->sport : "0", &hints, &sa) ||
			    bind(fd, sa->ai_addr, sa->ai_addrlen))
				die(2, "cannot bind --src/--sport");
			freeaddrinfo(sa);
		}
		if (o->syncnt)
			setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &o->syncnt, sizeof o->syncnt);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			fprintf(stderr, "tlspeer: connect: %s\n", strerror(errno));
			exit(5);
		}
	}
	freeaddrinfo(ai);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return fd;
}

/* Returns a context with o's certificate, chain, trust and versions. With
 * no --chain, OpenSSL builds the chain it sends from the --ca store, as the
 * Expressway builds its chain from its trusted CA list. */
static SSL_CTX *ctx_new(const struct opts *o)
{
	SSL_CTX *ctx = SSL_CTX_new(o->server ? TLS_server_method() : TLS_client_method());
	int mode = SSL_VERIFY_NONE;

	if (o->tls) {
		int v = o->tls == 13 ? TLS1_3_VERSION : TLS1_2_VERSION;
		SSL_CTX_set_min_proto_version(ctx, v);
		SSL_CTX_set_max_proto_version(ctx, v);
	}
	if (o->cert && SSL_CTX_use_certificate_file(ctx, o->cert, SSL_FILETYPE_PEM) != 1)
		die(2, "cannot load --cert");
	if (o->key && SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1)
		die(2, "cannot load --key");
	if (o->chain) {
		FILE *f = fopen(o->chain, "r");
		X509 *x;
		if (!f)
			die(2, "cannot open --chain");
		while ((x = PEM_read_X509(f, NULL, NULL, NULL)))
			SSL_CTX_add0_chain_cert(ctx, x);
		ERR_clear_error();
		fclose(f);
	}
	if (o->ca && SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1)
		die(2, "cannot load --ca");
	if (o->verify)
		mode = SSL_VERIFY_PEER | (o->server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
	SSL_CTX_set_verify(ctx, mode, verify_cb);
	return ctx;
}

/* Returns the length of the first complete SIP message in buf (headers,
 * blank line, Content-Length body), or 0 when more bytes are needed. */
static size_t sip_complete(const char *buf, size_t n)
{
	const char *end = memmem(buf, n, "\r\n\r\n", 4), *p;
	size_t hdr, cl = 0;

	if (!end)
		return 0;
	hdr = (size_t)(end - buf) + 4;
	for (p = buf; p && p < end; p = memmem(p, (size_t)(end - p), "\r\n", 2)) {
		p += 2;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			cl = strtoul(p + 15, NULL, 10);
	}
	return n >= hdr + cl ? hdr + cl : 0;
}

/* Returns the bytes of a whole file in *len (exits when it cannot read it). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(65536);

	if (!f || !b)
		die(2, "cannot read a --send/--reply file");
	*len = fread(b, 1, 65536, f);
	fclose(f);
	return b;
}

/* Reads one SIP message; returns 1 when it came whole. */
static int read_sip(SSL *ssl)
{
	char buf[65536];
	size_t n = 0;
	int r;

	while (!sip_complete(buf, n) && n < sizeof buf) {
		if ((r = SSL_read(ssl, buf + n, (int)(sizeof buf - n))) <= 0)
			return 0;
		n += (size_t)r;
	}
	fprintf(stderr, "tlspeer: got %.*s\n", (int)(strchr(buf, '\r') ? strchr(buf, '\r') - buf : 0), buf);
	return 1;
}

/* After the handshake: --require-san, then the SIP exchange and a clean
 * close (close_notify both ways). Returns the exit status. */
static int after_handshake(SSL *ssl, int fd, const struct opts *o)
{
	size_t len;
	char *b;
	int ok = 1;

	if (o->require_san) {
		X509 *peer = SSL_get1_peer_certificate(ssl);
		ok = peer && X509_check_host(peer, o->require_san, 0,
						 X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL) == 1;
		X509_free(peer);
		if (!ok) {
			/* let the peer's first record arrive, so that the capture
			 * shows it before the RST on every run, not only on most */
			struct pollfd p = {fd, POLLIN, 0};
			poll(&p, 1, 500);
			fprintf(stderr, "tlspeer: peer certificate lacks %s: reset\n", o->require_san);
			reset_close(fd);
			return 4;
		}
	}
	if (o->send) {
		b = slurp(o->send, &len);
		ok = SSL_write(ssl, b, (int)len) > 0 && read_sip(ssl);
		free(b);
	} else if (o->reply) {
		ok = read_sip(ssl);
		b = slurp(o->reply, &len);
		ok = ok && SSL_write(ssl, b, (int)len) > 0;
		free(b);
	}
	if (!ok) {
		fprintf(stderr, "tlspeer: SIP exchange failed\n");
		close(fd);
		return 6;
	}
	if (SSL_shutdown(ssl) == 0) {
		char c;
		while (SSL_read(ssl, &c, 1) > 0)
			;
	}
	close(fd);
	return 0;
}

static void usage(void)
{
	fputs("usage: tlspeer --server|--client --addr IP --port N [--src IP] [--sport N]\n"
	      "  [--cert PEM --key PEM] [--chain PEM] [--ca PEM] [--verify] [--tls 12|13]\n"
	      "  [--sni NAME] [--fail-alert NAME] [--reject] [--require-san NAME]\n"
	      "  [--rst-on-peer-cert] [--send FILE] [--reply FILE] [--timeout S] [--syn-count N]\n"
	      "alerts: unknown_ca certificate_unknown bad_certificate certificate_expired handshake_failure\n",
	      stderr);
	exit(2);
}

/* Fills o from argv (exits on a usage error). */
static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"server", 0, 0, 'S'}, {"client", 0, 0, 'C'}, {"addr", 1, 0, 'a'},
		{"port", 1, 0, 'p'}, {"src", 1, 0, 'b'}, {"sport", 1, 0, 'B'},
		{"cert", 1, 0, 'c'}, {"key", 1, 0, 'k'}, {"chain", 1, 0, 'h'},
		{"ca", 1, 0, 'A'}, {"verify", 0, 0, 'v'}, {"tls", 1, 0, 't'},
		{"sni", 1, 0, 'n'}, {"fail-alert", 1, 0, 'f'}, {"reject", 0, 0, 'r'},
		{"require-san", 1, 0, 'q'}, {"rst-on-peer-cert", 0, 0, 'R'},
		{"send", 1, 0, 's'}, {"reply", 1, 0, 'y'}, {"timeout", 1, 0, 'T'},
		{"syn-count", 1, 0, 'N'}, {0, 0, 0, 0}};
	int c, side = 0;

	o->timeout = 10;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'S': o->server = 1; side++; break;
		case 'C': o->server = 0; side++; break;
		case 'a': o->addr = optarg; break;
		case 'p': o->port = optarg; break;
		case 'b': o->src = optarg; break;
		case 'B': o->sport = optarg; break;
		case 'c': o->cert = optarg; break;
		case 'k': o->key = optarg; break;
		case 'h': o->chain = optarg; break;
		case 'A': o->ca = optarg; break;
		case 'v': o->verify = 1; break;
		case 't': o->tls = atoi(optarg); break;
		case 'n': o->sni = optarg; break;
		case 'f': alert_err(optarg); o->fail_alert = optarg; break;
		case 'r': o->reject = 1; break;
		case 'q': o->require_san = optarg; break;
		case 'R': o->rst_on_cert = 1; break;
		case 's': o->send = optarg; break;
		case 'y': o->reply = optarg; break;
		case 'T': o->timeout = atoi(optarg); break;
		case 'N': o->syncnt = atoi(optarg); break;
		default: usage();
		}
	}
	if (side != 1 || !o->addr || !o->port || optind != argc ||
	    (o->tls && o->tls != 12 && o->tls != 13))
		usage();
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	SSL_CTX *ctx;
	SSL *ssl;
	int fd, r;

	signal(SIGPIPE, SIG_IGN); /* a write after the peer's RST must fail, not kill */
	parse(argc, argv, &o);
	ctx = ctx_new(&o);
	fd = tcp_open(&o);
	ssl = SSL_new(ctx);
	SSL_set_app_data(ssl, &o);
	SSL_set_msg_callback(ssl, msg_cb);
	SSL_set_msg_callback_arg(ssl, &o);
	SSL_set_fd(ssl, fd);
	if (o.sni)
		SSL_set_tlsext_host_name(ssl, o.sni);
	r = o.server ? SSL_accept(ssl) : SSL_connect(ssl);
	if (r != 1) {
		fprintf(stderr, "tlspeer: handshake failed (verify: %s)\n",
			X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
		ERR_print_errors_fp(stderr);
		/* the side that sent the alert closes last, so the order of the
		 * peer's close and ours is the same on every run */
		if (o.sent_alert)
			usleep(200000);
		close(fd);
		return 3;
	}
	fprintf(stderr, "tlspeer: handshake done, %s %s\n", SSL_get_version(ssl),
		SSL_get_cipher_name(ssl));
	r = after_handshake(ssl, fd, &o);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return r;
}
