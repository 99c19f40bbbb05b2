/* corr.h - correlation: roles, machines, twin messages, clock skew, calls.
 *
 * After corr_build() every message has its machines, twin and call, and
 * every call its legs, links and ladder arrows, ordered by corrected time.
 */
#ifndef XW_CORR_H
#define XW_CORR_H

#include "model.h"

struct corr_opts {
	const char **roles;    /* "HOST=c" / "HOST=e" overrides from --role */
	size_t nroles;
};

/* Returns 0 after correlating the loaded model; -1 with err for a bad option. */
int corr_build(struct model *m, const struct corr_opts *o, char *err, size_t errlen);
/* Drops the entries (messages, events) that a file read earlier already
 * held: the same host, UTC time and content (corr_dedup.c). Each file that
 * repeated another gets one problem naming it and the count. */
void corr_dedup(struct model *m);
/* Ties the packet captures to the logs: a capture point that is a logged
 * host becomes it, and a message both logged and captured one record
 * (corr_wire.c). */
void corr_wire(struct model *m);
/* Works out each host's role from its traffic, then applies overrides. */
int corr_roles(struct model *m, const struct corr_opts *o, char *err, size_t errlen);
/* Builds the machines (ladder columns) and each message's from/to machine. */
void corr_machines(struct model *m);
/* Pairs messages logged by two hosts and estimates each host's clock skew. */
void corr_twins(struct model *m);
/* Groups messages into calls (Call-ID plus linked legs) and builds ladders. */
void corr_calls(struct model *m);
/* Returns true when the address belongs to the host (its IPs or loopback). */
bool corr_host_has(const struct model *m, int host, const char *ip);

#endif
