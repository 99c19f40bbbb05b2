/* diag_sigs.c - the table of failure signatures and their checks. */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "sip.h"

/* Returns true when the call holds a final response to the INVITE s. */
static bool
has_final(const struct model *m, const struct call *c, const struct sip_msg *s)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct sip_msg *r = &m->msgs[c->msgs[i]];
		if (!r->is_request && r->status >= 200 && r->cseq == s->cseq && r->method &&
		    strcmp(r->method, "INVITE") == 0 && strcmp(r->call_id, s->call_id) == 0)
			return true;
	}
	return false;
}

/* Adds the evidence of an arrow: the record of each Expressway that logged it. */
static void
arrow_evidence(struct model *m, struct diag_finding *f, const struct call_arrow *a)
{
	const struct sip_msg *s = &m->msgs[a->msg];
	diag_evidence(m, f, m->files[s->file].path, s->msg_line ? s->msg_line : s->line);
	if (a->twin >= 0) {
		const struct sip_msg *t = &m->msgs[a->twin];
		diag_evidence(m, f, m->files[t->file].path, t->msg_line ? t->msg_line : t->line);
	}
}

static void
check_no_final(const struct diag_sig *sig, struct model *m, struct diag_result *r, void *ctx)
{
	(void)ctx;
	for (size_t ci = 0; ci < m->ncalls; ci++) {
		struct call *c = &m->calls[ci];
		struct diag_finding *f = NULL;
		for (size_t i = 0; i < c->narrows; i++) {
			const struct sip_msg *s = &m->msgs[c->arrows[i].msg];
			if (!model_is(s, "INVITE") || s->retrans || c->arrows[i].same_host ||
			    has_final(m, c, s))
				continue;
			if (f == NULL) {
				char sum[256], fix[] = "Find where the INVITE stopped: the last hop "
				    "that logged it is the one to investigate (its log, a packet "
				    "capture, or the next hop's log if it was not collected).";
				char who[96];
				snprintf(sum, sizeof sum, "INVITE (CSeq %u) sent to %s never got a "
				    "final response in these logs", s->cseq,
				    model_machine_label(m, c->arrows[i].to, who, sizeof who));
				f = diag_add(m, r, sig, (int)ci, (int)i, (int)s->host, sum, fix);
			}
			arrow_evidence(m, f, &c->arrows[i]);
		}
	}
}

const struct diag_sig diag_sigs[] = {
	{
		.id = "no-final-response",
		.severity = DIAG_WARNING,
		.check = check_no_final,
		.explain = "An INVITE that never got a final response in the logs: the call "
		    "was cut, timed out, or the logs end too early.",
	},
};
const size_t diag_nsigs = sizeof diag_sigs / sizeof diag_sigs[0];
