/* corr_roles.c - who is who: Expressway roles and the machines of ladders.
 *
 * Roles come from traffic: an Expressway-E talks to Webex (5062/5061, public
 * addresses, Cisco-L2SIP) and is the traversal server (listens on 7001-7099);
 * an Expressway-C talks to Unified CM and connects to a traversal port.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corr.h"
#include "smap.h"

static bool
has(const char *s, const char *needle)
{
	return s != NULL && strcasestr(s, needle) != NULL;
}

/* Returns true when the text names a Webex host or agent. */
static bool
webexish(const char *s)
{
	return has(s, "Cisco-L2SIP") || has(s, "wbx2.com") || has(s, "ciscospark.com") ||
	    has(s, "webex.com");
}

static bool
cucmish(const char *s)
{
	return has(s, "Cisco-CUCM");
}

/* Returns the value of 1 to 9 decimal digits at *p, moving *p past them;
 * -1 (and *p unmoved) when there are none or more. */
static long
small_num(const char **p)
{
	const char *s = *p;
	long v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++)
		if (n < 9)
			v = v * 10 + (s[n] - '0');
	if (n == 0 || n > 9)
		return -1;
	*p = s + n;
	return v;
}

/* Returns true for an IPv6 address that is not global: loopback, unique
 * local (fc00::/7), link-local (fe80::/10), unspecified. */
static bool
private_v6(const char *ip)
{
	if (strcmp(ip, "::1") == 0 || strcmp(ip, "::") == 0)
		return true;
	char a = (char)tolower((unsigned char)ip[0]), b = (char)tolower((unsigned char)ip[1]);
	char c = (char)tolower((unsigned char)ip[2]);
	return (a == 'f' && (b == 'c' || b == 'd')) || (a == 'f' && b == 'e' && c >= '8' && c <= 'b');
}

/* Returns true for an RFC 1918, loopback or link-local IPv4 address, or an
 * IPv6 address that is not global. */
static bool
private_ip(const char *ip)
{
	unsigned a, b;
	const char *p = ip;
	long x, y = -1;
	if (ip != NULL && strchr(ip, ':') != NULL)
		return private_v6(ip);
	/* the plain "digits.digits" of an address, read without sscanf's cost */
	if (ip != NULL && (x = small_num(&p)) >= 0 && *p == '.' && (++p, y = small_num(&p)) >= 0) {
		a = (unsigned)x;
		b = (unsigned)y;
	} else if (ip == NULL || sscanf(ip, "%u.%u", &a, &b) != 2) {
		return true;
	}
	return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) ||
	    (a == 192 && b == 168) || (a == 169 && b == 254);
}

/* A memo of string tests by pointer: a pooled string never changes, so a
 * pointer seen again gets the answer it got (agents and addresses repeat in
 * every message). */
struct memo {
	const char *key[256];
	bool val[256];
};

/* Returns fn(s), from the memo when s was tested lately. */
static bool
memo_test(struct memo *mo, const char *s, bool (*fn)(const char *))
{
	if (s == NULL)
		return fn(s);
	size_t i = (size_t)(((uintptr_t)s >> 3) * 0x9e3779b97f4a7c15ULL >> 56);
	if (mo->key[i] != s) {
		mo->key[i] = s;
		mo->val[i] = fn(s);
	}
	return mo->val[i];
}

/* The memos of one pass over the messages. */
struct memos {
	struct memo priv, webex, cucm, edge, exp, cube, skype;
};

bool
corr_host_has(const struct model *m, int host, const char *ip)
{
	if (ip == NULL || host < 0)
		return false;
	if (strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0)
		return true;
	const struct host *h = &m->hosts[host];
	for (size_t i = 0; i < h->naddrs; i++)
		if (strcmp(h->addrs[i], ip) == 0)
			return true;
	return false;
}

/* Adds the host's NAT address: the sent-by of the Via it puts on requests to
 * public peers (the Expressway-E's public address). */
static void
learn_nat(struct model *m, const struct sip_msg *s, struct memos *mo)
{
	if (s->action != ACT_SENT || !s->sip->is_request || s->sip->nvias == 0 ||
	    memo_test(&mo->priv, s->remote_ip, private_ip) || s->sip->vias[0].host == NULL ||
	    !isdigit((unsigned char)s->sip->vias[0].host[0]) || s->sip->vias[0].proxy_call_id == NULL)
		return;
	struct host *h = &m->hosts[s->host];
	if (!corr_host_has(m, (int)s->host, s->sip->vias[0].host))
		VEC_PUSH(h->addrs, h->naddrs, h->addrcap, s->sip->vias[0].host);
}

/* Returns true when a zone name is the Collaboration Edge (MRA) one. */
static bool
edgeish(const char *zone)
{
	return has(zone, "CollaborationEdge");
}

/* Adds one message's evidence to the E and C scores of its host. */
static void
score(const struct sip_msg *s, int *e, int *c, struct memos *mo)
{
	const char *agent = s->sip->user_agent ? s->sip->user_agent : s->sip->server;
	bool from_peer = s->action == ACT_RECEIVED;
	if (s->remote_port == 5062 || (s->local_port == 5062 && from_peer))
		*e += 3;
	if (!memo_test(&mo->priv, s->remote_ip, private_ip))
		*e += 1;
	if (from_peer && memo_test(&mo->webex, agent, webexish))
		*e += 2;
	if (from_peer && s->local_port >= 7001 && s->local_port <= 7099)
		*e += 3; /* listening on a traversal server port */
	if (!from_peer && s->remote_port >= 7001 && s->remote_port <= 7099)
		*c += 3; /* connecting to a traversal server */
	if (from_peer && s->sip->is_request && memo_test(&mo->cucm, s->sip->user_agent, cucmish))
		*c += 3;
	if (s->remote_port == 5060 || s->remote_port == 5065)
		*c += 1;
	for (int i = 0; i < s->sip->nvias; i++)
		if (s->sip->vias[i].ingress_zone && memo_test(&mo->edge, s->sip->vias[i].ingress_zone, edgeish))
			*e += 1;
}

/* Returns 0 after applying "HOST=c|e" overrides; -1 with err when malformed. */
static int
apply_overrides(struct model *m, const struct corr_opts *o, char *err, size_t errlen)
{
	for (size_t i = 0; o != NULL && i < o->nroles; i++) {
		const char *eq = strrchr(o->roles[i], '=');
		int role = eq != NULL ? model_role_by_flag(eq + 1) : -1;
		if (eq == NULL || eq == o->roles[i] || role <= ROLE_UNKNOWN) {
			snprintf(err, errlen, "--role %s: expected HOST=c, HOST=e, HOST=cucm or "
			    "HOST=capture", o->roles[i]);
			return -1;
		}
		char *name = xstrndup(o->roles[i], (size_t)(eq - o->roles[i]));
		int h = model_host(m, name);
		free(name);
		m->hosts[h].role = (enum host_role)role;
		m->hosts[h].role_forced = true;
	}
	return 0;
}

int
corr_roles(struct model *m, const struct corr_opts *o, char *err, size_t errlen)
{
	int *e = xcalloc(m->nhosts + 1, sizeof *e), *c = xcalloc(m->nhosts + 1, sizeof *c);
	struct memos *mo = xcalloc(1, sizeof *mo);
	/* one pass: scores do not depend on the addresses learnt */
	for (size_t i = 0; i < m->nmsgs; i++) {
		learn_nat(m, &m->msgs[i], mo);
		score(&m->msgs[i], &e[m->msgs[i].host], &c[m->msgs[i].host], mo);
	}
	free(mo);
	for (size_t h = 0; h < m->nhosts; h++) /* a capture point its traffic does not place stays one */
		m->hosts[h].role = e[h] > c[h] ? ROLE_EXPRESSWAY_E : c[h] > e[h] ? ROLE_EXPRESSWAY_C
		    : m->hosts[h].role == ROLE_CAPTURE ? ROLE_CAPTURE : ROLE_UNKNOWN;
	/* two hosts, one known: the other is the other half of the pair */
	if (m->nhosts == 2) {
		struct host *a = &m->hosts[0], *b = &m->hosts[1];
		if (a->role == ROLE_UNKNOWN && b->role != ROLE_UNKNOWN)
			a->role = b->role == ROLE_EXPRESSWAY_C ? ROLE_EXPRESSWAY_E : ROLE_EXPRESSWAY_C;
		else if (b->role == ROLE_UNKNOWN && a->role != ROLE_UNKNOWN)
			b->role = a->role == ROLE_EXPRESSWAY_C ? ROLE_EXPRESSWAY_E : ROLE_EXPRESSWAY_C;
		else if (a->role == b->role && a->role != ROLE_UNKNOWN) {
			bool a_more_e = e[0] - c[0] >= e[1] - c[1];
			a->role = a_more_e ? ROLE_EXPRESSWAY_E : ROLE_EXPRESSWAY_C;
			b->role = a_more_e ? ROLE_EXPRESSWAY_C : ROLE_EXPRESSWAY_E;
		}
	}
	free(e);
	free(c);
	return apply_overrides(m, o, err, errlen);
}

/* What the messages from one remote address say about it: a score per
 * kind of machine, and for the kinds only inferred, the first sign of it. */
struct peer {
	const char *ip;
	int webex, cucm, expressway, cube, skype;
	int client, server;          /* traversal: it connects to our port (a C); we to its (an E) */
	unsigned trav_port;          /* the traversal port seen */
	const char *agent;
	const char *sign[MACH_COUNT]; /* pooled: what first showed each kind */
	int host;                    /* the loaded host that saw it first */
};

/* Returns true when the agent names an Expressway or VCS: "TANDBERG/4352
 * (X14.3.1)"; an endpoint says "TANDBERG/529 (ce9.2.0) Cisco-DX70". */
static bool
expresswayish(const char *s)
{
	const char *p = s != NULL ? strcasestr(s, "TANDBERG/") : NULL;
	const char *x = p != NULL ? strstr(p, "(X") : NULL;
	return (x != NULL && isdigit((unsigned char)x[2])) || has(s, "Cisco-Expressway") ||
	    has(s, "Cisco-VCS");
}

/* Returns true when the agent names a Cisco Unified Border Element or IOS gateway. */
static bool
cubeish(const char *s)
{
	return has(s, "Cisco-SIPGateway") || has(s, "Cisco-CUBE");
}

/* Returns true when the agent names a Skype for Business or Lync server. */
static bool
skypeish(const char *s)
{
	return s != NULL && (strncasecmp(s, "RTC/", 4) == 0 || strncasecmp(s, "RTCC/", 5) == 0 ||
	    has(s, "Microsoft") || has(s, "Lync") || has(s, "Skype"));
}

/* Notes, once per kind, what showed it: "Server: RTC/6.0". */
static void
sign(struct model *m, struct peer *p, enum machine_kind k, const char *fmt, const char *arg)
{
	char buf[256];
	if (p->sign[k] != NULL)
		return;
	snprintf(buf, sizeof buf, fmt, arg);
	p->sign[k] = strpool_str(m->pool, buf);
}

/* Adds what the agent of a message from the peer says about it. */
static void
agent_evidence(struct model *m, struct peer *p, const struct sip_msg *s, const char *agent,
    struct memos *mo)
{
	const char *hdr = s->sip->is_request ? "User-Agent: %s" : "Server: %s";
	if (memo_test(&mo->webex, agent, webexish) ||
	    memo_test(&mo->webex, s->sip->contact_uri, webexish))
		p->webex += 2;
	if (memo_test(&mo->cucm, agent, cucmish))
		p->cucm += 2;
	if (agent == NULL)
		return;
	if (memo_test(&mo->exp, agent, expresswayish)) {
		p->expressway += 4;
		sign(m, p, MACH_EXPRESSWAY_PEER, hdr, agent);
	}
	if (memo_test(&mo->cube, agent, cubeish)) {
		p->cube += 4;
		sign(m, p, MACH_CUBE, hdr, agent);
	}
	if (memo_test(&mo->skype, agent, skypeish)) {
		p->skype += 4;
		sign(m, p, MACH_SKYPE, hdr, agent);
	}
}

/* Returns true when an Expressway-E's peer at ip on port (5061 or 5062, the
 * ports of Webex's mutual TLS) is likely Webex: a public address. */
static bool
webex_port(enum host_role role, unsigned port, const char *ip, struct memos *mo)
{
	return (port == 5062 || port == 5061) && role == ROLE_EXPRESSWAY_E &&
	    !memo_test(&mo->priv, ip, private_ip);
}

/* Adds one message's evidence about its remote address. */
static void
peer_evidence(struct model *m, struct peer *p, const struct sip_msg *s, enum host_role role,
    struct memos *mo)
{
	const char *agent = s->sip->is_request ? s->sip->user_agent : s->sip->server;
	if (s->action == ACT_RECEIVED) {
		const struct sip_via *v = s->sip->nvias > 0 ? &s->sip->vias[0] : NULL;
		bool proxied = s->sip->is_request && v != NULL &&
		    (v->proxy_call_id != NULL || v->egress_zone != NULL);
		if (proxied) {
			p->expressway += 4; /* an Expressway put its own Via on top */
			sign(m, p, MACH_EXPRESSWAY_PEER, "its Via carries an Expressway's %s",
			    v->egress_zone ? "egress-zone" : "proxy-call-id");
		}
		agent_evidence(m, p, s, agent, mo);
		if (agent != NULL && p->agent == NULL && !proxied)
			p->agent = agent;
	}
	if (webex_port(role, s->remote_port, s->remote_ip, mo))
		p->webex += 1;
	if (s->action == ACT_SENT && s->remote_port >= 7001 && s->remote_port <= 7099) {
		p->expressway += 2;
		p->server++;
		p->trav_port = s->remote_port;
	}
	if (s->action == ACT_RECEIVED && s->local_port >= 7001 && s->local_port <= 7099) {
		p->expressway += 2; /* a traversal client connects to our traversal port */
		p->client++;
		p->trav_port = s->local_port;
	}
}

/* Returns the machine index for name (names: name -> first machine of that
 * name), adding a machine of kind when new. */
static int
machine_named(struct model *m, struct smap *names, const char *name, enum machine_kind kind,
    int host)
{
	int k = smap_get(names, name, -1);
	if (k >= 0)
		return k;
	struct machine mc = {0};
	mc.name = strpool_str(m->pool, name);
	mc.kind = kind;
	mc.host = host;
	mc.role = ROLE_UNKNOWN;
	VEC_PUSH(m->machines, m->nmachines, m->machinecap, mc);
	smap_put(names, mc.name, (int)m->nmachines - 1);
	return (int)m->nmachines - 1;
}

static void
machine_addr(struct machine *mc, const char *ip)
{
	for (size_t i = 0; i < mc->naddrs; i++)
		if (strcmp(mc->addrs[i], ip) == 0)
			return;
	VEC_PUSH(mc->addrs, mc->naddrs, mc->addrcap, ip);
}

/* Returns the kind the evidence about a peer points to. */
static enum machine_kind
peer_kind(const struct peer *p)
{
	if (p->expressway >= 4 && p->expressway >= p->webex && p->expressway >= p->skype &&
	    p->expressway >= p->cube)
		return MACH_EXPRESSWAY_PEER;
	if (p->webex > 0 && p->webex >= p->cucm)
		return MACH_WEBEX;
	if (p->cucm > 0)
		return MACH_CUCM;
	if (p->skype > 0 && p->skype >= p->cube)
		return MACH_SKYPE;
	return p->cube > 0 ? MACH_CUBE : MACH_ENDPOINT;
}

/* Returns the pooled reason an Expressway peer is one, with its traversal
 * role and the loaded host of that role whose cluster it may be in. */
static const char *
peer_why(struct model *m, const struct peer *p, enum host_role r)
{
	char buf[512];
	int n = 0;
	const char *seen_by = p->host >= 0 ? m->hosts[p->host].name : "a loaded host";
	if (r == ROLE_EXPRESSWAY_C)
		n = snprintf(buf, sizeof buf, "a traversal client: it connects to port %u of %s",
		    p->trav_port, seen_by);
	else if (r == ROLE_EXPRESSWAY_E)
		n = snprintf(buf, sizeof buf, "a traversal server: %s connects to its port %u",
		    seen_by, p->trav_port);
	if (p->sign[MACH_EXPRESSWAY_PEER] != NULL && n >= 0 && (size_t)n < sizeof buf)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%s", n ? "; " : "",
		    p->sign[MACH_EXPRESSWAY_PEER]);
	for (size_t h = 0; r != ROLE_UNKNOWN && h < m->nhosts && n >= 0 && (size_t)n < sizeof buf; h++)
		if (m->hosts[h].role == r) {
			snprintf(buf + n, sizeof buf - (size_t)n, "; an %s like %s, of whose cluster it "
			    "may be a peer", model_role(r)->label, m->hosts[h].name);
			break;
		}
	return strpool_str(m->pool, buf);
}

/* Returns the machine of a remote address that no loaded host owns. */
static int
peer_machine(struct model *m, struct smap *names, const struct peer *p)
{
	char name[160];
	int k;
	enum machine_kind kind = peer_kind(p);
	enum host_role r = ROLE_UNKNOWN;
	switch (kind) {
	case MACH_EXPRESSWAY_PEER:
		r = p->client > p->server ? ROLE_EXPRESSWAY_C : p->server > 0 ? ROLE_EXPRESSWAY_E
		    : ROLE_UNKNOWN;
		snprintf(name, sizeof name, "%s %s", r != ROLE_UNKNOWN ? model_role(r)->label
		    : "Expressway", p->ip);
		k = machine_named(m, names, name, kind, -1);
		m->machines[k].role = r;
		if (m->machines[k].why == NULL)
			m->machines[k].why = peer_why(m, p, r);
		break;
	case MACH_WEBEX:
		k = machine_named(m, names, "Webex", kind, -1);
		break;
	case MACH_CUCM:
		snprintf(name, sizeof name, "CUCM %s", p->ip);
		k = machine_named(m, names, name, kind, -1);
		break;
	case MACH_SKYPE:
	case MACH_CUBE:
		snprintf(name, sizeof name, "%s %s", kind == MACH_CUBE ? "CUBE" : "Skype", p->ip);
		k = machine_named(m, names, name, kind, -1);
		if (m->machines[k].why == NULL)
			m->machines[k].why = p->sign[kind];
		break;
	default:
		k = machine_named(m, names, p->ip, MACH_ENDPOINT, -1);
		break;
	}
	if (p->agent != NULL && m->machines[k].agent == NULL)
		m->machines[k].agent = p->agent;
	machine_addr(&m->machines[k], p->ip);
	return k;
}

/* Returns the host owning ip, or -1. */
static int
owner(const struct model *m, const char *ip)
{
	if (ip == NULL || strcmp(ip, "127.0.0.1") == 0)
		return -1;
	for (size_t h = 0; h < m->nhosts; h++)
		if (corr_host_has(m, (int)h, ip))
			return (int)h;
	return -1;
}

/* A memo of an answer about a (host, address) pair, by the address's
 * pointer, as struct memo; and the memos of string tests. */
struct hmemo {
	const char *key[256];
	uint32_t host[256];
	int val[256];
	struct memos tests;
};

/* Returns the memo slot of (host, ip); *fresh tells that it must be filled. */
static int *
hmemo_slot(struct hmemo *mo, uint32_t host, const char *ip, bool *fresh)
{
	size_t i = (size_t)((((uintptr_t)ip >> 3) + host) * 0x9e3779b97f4a7c15ULL >> 56);
	*fresh = ip == NULL || mo->key[i] != ip || mo->host[i] != host;
	mo->key[i] = ip;
	mo->host[i] = host;
	return &mo->val[i];
}

/* Returns true when ip is a remote machine to host: neither a loaded host's
 * address nor its own. */
static bool
foreign(const struct model *m, struct hmemo *mo, uint32_t host, const char *ip)
{
	bool fresh;
	int *v = hmemo_slot(mo, host, ip, &fresh);
	if (fresh)
		*v = ip != NULL && owner(m, ip) < 0 && !corr_host_has(m, (int)host, ip);
	return *v != 0;
}

/* The remote addresses seen, each once. */
struct peers {
	struct smap idx;
	struct peer *p;
	size_t n, cap;
};

/* Returns the peer of address ip that host saw, added when new. */
static struct peer *
peer_of(struct peers *ps, const char *ip, uint32_t host)
{
	int k = smap_get(&ps->idx, ip, -1);
	if (k < 0) {
		struct peer p = {.ip = ip, .host = (int)host};
		VEC_PUSH(ps->p, ps->n, ps->cap, p);
		k = (int)ps->n - 1;
		smap_put(&ps->idx, ip, k);
	}
	return &ps->p[k];
}

/* Adds the remote ends of the TCP connections a capture holds that sent no
 * SIP (a connection that failed carries none), so that a ladder can draw
 * them, judged by their port as a message's peer is. */
static void
conn_peers(struct model *m, struct peers *ps, struct hmemo *mo)
{
	for (size_t i = 0; i < m->wire.nconns; i++) {
		const struct wire_conn *c = &m->wire.conns[i];
		const char *ip = c->client_local ? c->server_ip : c->client_ip;
		if (c->host >= m->nhosts || !foreign(m, mo, c->host, ip) ||
		    smap_get(&ps->idx, ip, -1) >= 0)
			continue;
		struct peer *p = peer_of(ps, ip, c->host);
		if (webex_port(m->hosts[c->host].role, c->server_port, ip, &mo->tests))
			p->webex += 1;
	}
}

/* Returns the remote machine of every distinct remote address, in a map. */
static void
map_peers(struct model *m, struct smap *names, struct smap *ipmach)
{
	struct peers ps = {0};
	struct hmemo *mo = xcalloc(1, sizeof *mo);
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		if (!foreign(m, mo, s->host, s->remote_ip))
			continue;
		peer_evidence(m, peer_of(&ps, s->remote_ip, s->host), s, m->hosts[s->host].role,
		    &mo->tests);
	}
	conn_peers(m, &ps, mo);
	struct peer *peers = ps.p;
	size_t np = ps.n;
	for (size_t i = 0; i < np; i++)
		smap_put(ipmach, peers[i].ip, peer_machine(m, names, &peers[i]));
	free(mo);
	free(peers);
	smap_free(&ps.idx);
}

/* Returns the machine at the other end of a message host logged with ip. */
static int
other_machine(const struct model *m, struct hmemo *mo, const struct smap *ipmach,
    uint32_t host, const char *ip)
{
	bool fresh;
	int *v = hmemo_slot(mo, host, ip, &fresh);
	if (!fresh)
		return *v;
	int self = m->hosts[host].machine, o;
	if (corr_host_has(m, (int)host, ip) || ip == NULL)
		*v = self;
	else if ((o = owner(m, ip)) >= 0)
		*v = m->hosts[o].machine;
	else
		*v = smap_get(ipmach, ip, self);
	return *v;
}

void
corr_machines(struct model *m)
{
	struct smap names = {0};
	for (size_t i = m->nmachines; i-- > 0;)
		smap_put(&names, m->machines[i].name, (int)i); /* the first of a name wins */
	for (size_t h = 0; h < m->nhosts; h++) {
		struct host *hs = &m->hosts[h];
		hs->machine = machine_named(m, &names, hs->name, MACH_EXPRESSWAY, (int)h);
		for (size_t a = 0; a < hs->naddrs; a++)
			machine_addr(&m->machines[hs->machine], hs->addrs[a]);
	}
	struct smap ipmach = {0};
	map_peers(m, &names, &ipmach);
	struct hmemo *mo = xcalloc(1, sizeof *mo);
	for (size_t i = 0; i < m->nmsgs; i++) {
		struct sip_msg *s = &m->msgs[i];
		int self = m->hosts[s->host].machine;
		int other = other_machine(m, mo, &ipmach, s->host, s->remote_ip);
		s->from_mach = s->action == ACT_SENT ? self : other;
		s->to_mach = s->action == ACT_SENT ? other : self;
	}
	free(mo);
	smap_free(&ipmach);
	smap_free(&names);
}
