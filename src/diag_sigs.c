/* diag_sigs.c - the signature table: the groups of rows of the check files,
 * in the order findings are made (which shows in every output), and the
 * look-ups of a row by id. */
#include <string.h>

#include "diag.h"
#include "xconf_lint.h"

/* Every group, in the order findings are made. A new check file adds its
 * group here (and declares it in diag.h). */
static const struct diag_group *const groups[] = {
	&diag_sip_group,   /* contact-param-stripped, preloaded-route-rejected */
	&diag_net_group,   /* cpl-reject, webex-srv-wrong-domain, tcp-connect-failed */
	&diag_tls_group,   /* tls-* */
	&diag_wire_group,  /* tcp-*, tls-* and cert-* of captures and certificate files */
	&diag_call_group,  /* sdp-codec-mismatch, q850-cause, cucm-message-too-large,
	                    * no-final-response */
	&xconf_lint_group, /* xconfig-* */
};

/* Returns row i of the groups taken in order, or NULL past the last. */
const struct diag_sig *
diag_table(size_t i)
{
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		if (i < groups[g]->n)
			return &groups[g]->rows[i];
		i -= groups[g]->n;
	}
	return NULL;
}

/* Returns the row with this id, or NULL. */
static const struct diag_sig *
sig_of(const char *id)
{
	const struct diag_sig *s;
	for (size_t i = 0; id != NULL && (s = diag_table(i)) != NULL; i++)
		if (strcmp(s->id, id) == 0)
			return s;
	return NULL;
}

/* Returns true when a row has this id. */
bool
diag_known_id(const char *id)
{
	return sig_of(id) != NULL;
}

/* Returns the marker of the row with this id, or '!'. */
char
diag_marker(const char *id)
{
	const struct diag_sig *s = sig_of(id);
	return s != NULL ? s->marker : '!';
}
