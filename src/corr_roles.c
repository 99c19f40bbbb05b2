/* corr_roles.c - who is who: Expressway roles and the machines of ladders.
 *
 * Roles come from traffic: an Expressway-E talks to Webex (5062/5061, public
 * addresses, Cisco-L2SIP) and is the traversal server (listens on 7001-7099);
 * an Expressway-C talks to Unified CM and connects to a traversal port.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Returns true for an RFC 1918, loopback or link-local IPv4 address. */
static bool
private_ip(const char *ip)
{
	unsigned a, b;
	if (ip == NULL || sscanf(ip, "%u.%u", &a, &b) != 2)
		return true;
	return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) ||
	    (a == 192 && b == 168) || (a == 169 && b == 254);
}

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
learn_nat(struct model *m)
{
	for (size_t i = 0; i < m->nmsgs; i++) {
		struct sip_msg *s = &m->msgs[i];
		if (s->action != ACT_SENT || !s->is_request || s->nvias == 0 ||
		    private_ip(s->remote_ip) || s->vias[0].host == NULL ||
		    !isdigit((unsigned char)s->vias[0].host[0]) || s->vias[0].proxy_call_id == NULL)
			continue;
		struct host *h = &m->hosts[s->host];
		if (!corr_host_has(m, (int)s->host, s->vias[0].host))
			VEC_PUSH(h->addrs, h->naddrs, h->addrcap, s->vias[0].host);
	}
}

/* Adds one message's evidence to the E and C scores of its host. */
static void
score(const struct sip_msg *s, int *e, int *c)
{
	const char *agent = s->user_agent ? s->user_agent : s->server;
	bool from_peer = s->action == ACT_RECEIVED;
	if (s->remote_port == 5062 || (s->local_port == 5062 && from_peer))
		*e += 3;
	if (!private_ip(s->remote_ip))
		*e += 1;
	if (from_peer && webexish(agent))
		*e += 2;
	if (from_peer && s->local_port >= 7001 && s->local_port <= 7099)
		*e += 3; /* listening on a traversal server port */
	if (!from_peer && s->remote_port >= 7001 && s->remote_port <= 7099)
		*c += 3; /* connecting to a traversal server */
	if (from_peer && s->is_request && cucmish(s->user_agent))
		*c += 3;
	if (s->remote_port == 5060 || s->remote_port == 5065)
		*c += 1;
	for (int i = 0; i < s->nvias; i++)
		if (s->vias[i].ingress_zone && has(s->vias[i].ingress_zone, "CollaborationEdge"))
			*e += 1;
}

/* Returns 0 after applying "HOST=c|e" overrides; -1 with err when malformed. */
static int
apply_overrides(struct model *m, const struct corr_opts *o, char *err, size_t errlen)
{
	for (size_t i = 0; o != NULL && i < o->nroles; i++) {
		const char *eq = strrchr(o->roles[i], '=');
		if (eq == NULL || eq == o->roles[i] || (strcasecmp(eq + 1, "c") != 0 &&
		    strcasecmp(eq + 1, "e") != 0)) {
			snprintf(err, errlen, "--role %s: expected HOST=c or HOST=e", o->roles[i]);
			return -1;
		}
		char *name = xstrndup(o->roles[i], (size_t)(eq - o->roles[i]));
		int h = model_host(m, name);
		free(name);
		m->hosts[h].role = tolower((unsigned char)eq[1]) == 'c' ? ROLE_EXPRESSWAY_C
		    : ROLE_EXPRESSWAY_E;
		m->hosts[h].role_forced = true;
	}
	return 0;
}

int
corr_roles(struct model *m, const struct corr_opts *o, char *err, size_t errlen)
{
	learn_nat(m);
	int *e = xcalloc(m->nhosts + 1, sizeof *e), *c = xcalloc(m->nhosts + 1, sizeof *c);
	for (size_t i = 0; i < m->nmsgs; i++)
		score(&m->msgs[i], &e[m->msgs[i].host], &c[m->msgs[i].host]);
	for (size_t h = 0; h < m->nhosts; h++)
		m->hosts[h].role = e[h] > c[h] ? ROLE_EXPRESSWAY_E
		    : c[h] > e[h] ? ROLE_EXPRESSWAY_C : ROLE_UNKNOWN;
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

/* What the messages from one remote address say about it. */
struct peer {
	const char *ip;
	int webex, cucm, expressway;
	const char *agent;
};

/* Adds one message's evidence about its remote address. */
static void
peer_evidence(struct peer *p, const struct sip_msg *s, enum host_role role)
{
	const char *agent = s->is_request ? s->user_agent : s->server;
	if (s->action == ACT_RECEIVED) {
		bool proxied = s->is_request && s->nvias > 0 &&
		    (s->vias[0].proxy_call_id != NULL || s->vias[0].egress_zone != NULL);
		if (proxied)
			p->expressway += 4; /* an Expressway put its own Via on top */
		if (webexish(agent) || webexish(s->contact_uri))
			p->webex += 2;
		if (cucmish(agent))
			p->cucm += 2;
		if (agent != NULL && p->agent == NULL && !proxied)
			p->agent = agent;
	}
	if ((s->remote_port == 5062 || s->remote_port == 5061) && !private_ip(s->remote_ip) &&
	    role == ROLE_EXPRESSWAY_E)
		p->webex += 1;
	if (s->action == ACT_SENT && s->remote_port >= 7001 && s->remote_port <= 7099)
		p->expressway += 2;
	if (s->action == ACT_RECEIVED && s->local_port >= 7001 && s->local_port <= 7099)
		p->expressway += 2; /* a traversal client connects to our traversal port */
}

/* Returns the machine index for name, adding a machine of kind when new. */
static int
machine_named(struct model *m, const char *name, enum machine_kind kind, int host)
{
	for (size_t i = 0; i < m->nmachines; i++)
		if (strcmp(m->machines[i].name, name) == 0)
			return (int)i;
	struct machine mc = {0};
	mc.name = strpool_str(m->pool, name);
	mc.kind = kind;
	mc.host = host;
	VEC_PUSH(m->machines, m->nmachines, m->machinecap, mc);
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

/* Returns the machine of a remote address that no loaded host owns. */
static int
peer_machine(struct model *m, const struct peer *p)
{
	char name[128];
	int k;
	if (p->expressway >= 4 && p->expressway >= p->webex) {
		snprintf(name, sizeof name, "Expressway %s", p->ip);
		k = machine_named(m, name, MACH_EXPRESSWAY, -1);
	} else if (p->webex > 0 && p->webex >= p->cucm) {
		k = machine_named(m, "Webex", MACH_WEBEX, -1);
	} else if (p->cucm > 0) {
		snprintf(name, sizeof name, "CUCM %s", p->ip);
		k = machine_named(m, name, MACH_CUCM, -1);
	} else {
		k = machine_named(m, p->ip, MACH_ENDPOINT, -1);
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

/* Returns the remote machine of every distinct remote address, in a map. */
static void
map_peers(struct model *m, struct smap *ipmach)
{
	struct smap idx = {0};
	struct peer *peers = NULL;
	size_t np = 0, pcap = 0;
	for (size_t i = 0; i < m->nmsgs; i++) {
		const struct sip_msg *s = &m->msgs[i];
		if (s->remote_ip == NULL || owner(m, s->remote_ip) >= 0 ||
		    corr_host_has(m, (int)s->host, s->remote_ip))
			continue;
		int k = smap_get(&idx, s->remote_ip, -1);
		if (k < 0) {
			struct peer p = {.ip = s->remote_ip};
			VEC_PUSH(peers, np, pcap, p);
			k = (int)np - 1;
			smap_put(&idx, s->remote_ip, k);
		}
		peer_evidence(&peers[k], s, m->hosts[s->host].role);
	}
	for (size_t i = 0; i < np; i++)
		smap_put(ipmach, peers[i].ip, peer_machine(m, &peers[i]));
	free(peers);
	smap_free(&idx);
}

void
corr_machines(struct model *m)
{
	for (size_t h = 0; h < m->nhosts; h++) {
		struct host *hs = &m->hosts[h];
		hs->machine = machine_named(m, hs->name, MACH_EXPRESSWAY, (int)h);
		for (size_t a = 0; a < hs->naddrs; a++)
			machine_addr(&m->machines[hs->machine], hs->addrs[a]);
	}
	struct smap ipmach = {0};
	map_peers(m, &ipmach);
	for (size_t i = 0; i < m->nmsgs; i++) {
		struct sip_msg *s = &m->msgs[i];
		int self = m->hosts[s->host].machine, other;
		if (corr_host_has(m, (int)s->host, s->remote_ip) || s->remote_ip == NULL)
			other = self;
		else if (owner(m, s->remote_ip) >= 0)
			other = m->hosts[owner(m, s->remote_ip)].machine;
		else
			other = smap_get(&ipmach, s->remote_ip, self);
		s->from_mach = s->action == ACT_SENT ? self : other;
		s->to_mach = s->action == ACT_SENT ? other : self;
	}
	smap_free(&ipmach);
}
