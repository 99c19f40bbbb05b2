/* export_html.c - the html export: one self-contained page per export.
 *
 * Per call: an SVG ladder (one <g class="arrow"> per message, linked to the
 * message), the messages with the highlights of the TUI message view, the
 * findings linked to their arrows, and the files and hosts the call was built
 * from. Inline CSS and one inline script only; a Content-Security-Policy
 * allows nothing else (no network, no other script: the script is allowed
 * by its SHA-256), so even text that escaped escaping could not run. All log
 * text goes through text_html(). Without the script the page still works:
 * arrows are links and CSS :target shows the message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export_util.h"
#include "ladder.h"
#include "q850.h"
#include "sip.h"
#include "text.h"
#include "view.h"

#define LEFT 118   /* time margin of the ladder */
#define TOP 62     /* machine boxes */
#define ROW 34     /* one arrow */
#define CHARW 7    /* width of a character of the 12px labels, roughly */

static const char css[] =
    ":root{--err:#c00000;--warn:#c86400;--info:#2060c0;--ink:#1b1b1b;--dim:#6b6b6b}"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--ink);"
    "margin:0 auto;padding:16px 24px;max-width:1600px}"
    "h1{font-size:20px;margin:18px 0 6px}h2{font-size:16px;margin:22px 0 6px}"
    "h3{font-size:14px;margin:0 0 6px}code,pre,.mono{font-family:ui-monospace,"
    "'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px}"
    "table.kv td{padding:1px 12px 1px 0;vertical-align:top}"
    "table.kv td:first-child{color:var(--dim)}"
    ".hint{color:var(--dim)}.ladderbox{overflow-x:auto;border:1px solid #ddd;border-radius:6px}"
    "svg.ladder{display:block;font-family:ui-monospace,'DejaVu Sans Mono',Menlo,monospace}"
    "svg .mbox{fill:#f4f4f4;stroke:#999}svg .exp .mbox{fill:#e8eef8;stroke:#6a86b8}"
    "svg .mname{font-size:12px;font-weight:bold;text-anchor:middle}"
    "svg .mrole{font-size:11px;fill:var(--dim);text-anchor:middle}"
    "svg .life{stroke:#bbb;stroke-dasharray:4 4}svg .time{font-size:11px;fill:var(--dim)}"
    "svg .shaft{stroke:#333;stroke-width:1.4;fill:none}svg .resp .shaft{stroke-dasharray:6 4}"
    "svg .head{fill:#333}svg .label{font-size:12px;text-anchor:middle;fill:#111}"
    "svg .hit{fill:transparent}svg .arrow{cursor:pointer}svg .arrow:hover .hit{fill:#f2f6ff}"
    "svg .label.self{text-anchor:start}svg .retrans .label,svg .hop .label{fill:var(--dim)}"
    "svg .hop .shaft{stroke:#999}svg .hop .head{fill:#999}"
    "svg .sev-error .shaft{stroke:var(--err)}svg .sev-error .head{fill:var(--err)}"
    "svg .sev-warning .shaft{stroke:var(--warn)}svg .sev-warning .head{fill:var(--warn)}"
    "svg .sev-info .shaft{stroke:var(--info)}svg .sev-info .head{fill:var(--info)}"
    "svg .mark{stroke:none}svg .sev-error .mark{fill:var(--err)}svg .sev-warning .mark"
    "{fill:var(--warn)}svg .sev-info .mark{fill:var(--info)}"
    "svg .markt{font-size:10px;font-weight:bold;fill:#fff;text-anchor:middle}"
    "svg .arrow:target .hit,svg .arrow.sel .hit{fill:#fff3b0}"
    ".msg{display:none;border:1px solid #ccc;border-radius:6px;padding:10px 12px;margin:12px 0}"
    ".msg:target,.msg.sel{display:block}.rec{margin:2px 0;color:var(--dim)}"
    "pre.raw{white-space:pre-wrap;overflow-wrap:anywhere;background:#fafafa;padding:8px;"
    "margin:8px 0 0;border-left:3px solid #ddd}pre.raw span{display:inline}"
    ".fl{font-weight:bold}.hn{color:#1d4f91}.prm{background:#e6f3e6}"
    ".h-route{background:#eef0ff}.h-reason{background:#ffe4e4;font-weight:bold}"
    ".h-media{background:#fff4d6;font-weight:bold}.h-codec{background:#fff4d6}"
    "mark{background:#ffd54a;color:inherit;font-weight:bold}.dec,.miss{color:var(--err)}"
    ".miss{font-weight:bold}.codecs{color:#8a5a00}"
    ".sev{font-weight:bold;text-transform:uppercase;font-size:11px}"
    ".sev-error .sev{color:var(--err)}.sev-warning .sev{color:var(--warn)}"
    ".sev-info .sev{color:var(--info)}ol.findings li,ul.mf li{margin:6px 0}"
    ".fix,.ev{margin-left:1.2em}.ev{color:var(--dim)}ul.evl{margin:2px 0;padding-left:1.2em}"
    "pre.quote{margin:1px 0 4px;white-space:pre-wrap;overflow-wrap:anywhere;color:var(--ink);"
    "background:#fafafa;border-left:3px solid #e0c060;padding:2px 6px}"
    ".mk{display:inline-block;min-width:1.3em;text-align:center;font-weight:bold;"
    "border-radius:3px;color:#fff;background:var(--dim);font-size:11px}"
    ".sev-error .mk{background:var(--err)}.sev-warning .mk{background:var(--warn)}"
    ".sev-info .mk{background:var(--info)}.leg{font-weight:bold}"
    "svg .legt{font-size:11px;font-weight:bold}"
    ".leg-0{color:#1b1b1b}.leg-1{color:#7a3fb0}.leg-2{color:#00808a}.leg-3{color:#8a5a00}"
    "svg .leg-1 .shaft{stroke:#7a3fb0}svg .leg-1 .head,svg .leg-1 .legt{fill:#7a3fb0}"
    "svg .leg-2 .shaft{stroke:#00808a}svg .leg-2 .head,svg .leg-2 .legt{fill:#00808a}"
    "svg .leg-3 .shaft{stroke:#8a5a00}svg .leg-3 .head,svg .leg-3 .legt{fill:#8a5a00}"
    "svg .arrow.sev-error .shaft{stroke:var(--err)}svg .arrow.sev-error .head{fill:var(--err)}"
    "svg .arrow.sev-warning .shaft{stroke:var(--warn)}svg .arrow.sev-warning .head"
    "{fill:var(--warn)}svg .arrow.sev-info .shaft{stroke:var(--info)}"
    "svg .arrow.sev-info .head{fill:var(--info)}"
    "@media print{body{padding:0;max-width:none;font-size:10pt}.hint{display:none}"
    ".ladderbox{overflow:visible;border:none}svg.ladder{max-width:100%;height:auto}"
    "section.call+section.call{break-before:page}.msg{break-inside:avoid}"
    "h1,h2,h3{break-after:avoid}"
    "a{color:inherit;text-decoration:none}}";

/* Marks the arrow and the message the address names; n and p step through
 * the messages of the call. */
static const char js[] =
    "(function(){'use strict';"
    "function ids(){var m=/^c(\\d+)-[am](\\d+)$/.exec(location.hash.slice(1));"
    "return m?[m[1],+m[2]]:null}"
    "function sel(){var o=document.querySelectorAll('.sel'),i;"
    "for(i=0;i<o.length;i++)o[i].classList.remove('sel');var k=ids();if(!k)return;"
    "var a=document.getElementById('c'+k[0]+'-a'+k[1]),"
    "s=document.getElementById('c'+k[0]+'-m'+k[1]);"
    "if(a)a.classList.add('sel');if(s)s.classList.add('sel')}"
    "window.addEventListener('hashchange',sel);"
    "document.addEventListener('keydown',function(e){if(e.key!=='n'&&e.key!=='p')return;"
    "var k=ids();if(!k)return;var j=k[1]+(e.key==='n'?1:-1);"
    "if(document.getElementById('c'+k[0]+'-m'+j))location.hash='c'+k[0]+'-m'+j});"
    "sel()})();";

/* SHA-256 (FIPS 180-4), for the script's hash in the page's policy. */
struct sha256 {
	uint32_t h[8];
	uint8_t buf[64];
	uint64_t len;
};

/* Returns x rotated right by n bits. */
static uint32_t
ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

/* Mixes one 64-byte block into the state. */
static void
sha256_block(struct sha256 *c, const uint8_t *p)
{
	static const uint32_t k[64] = {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
	    0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	    0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
	    0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624,
	    0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3,
	    0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
	uint32_t w[64], v[8];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) +
		    w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(v, c->h, sizeof v);
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + k[i] + w[i];
		uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof v[0]);
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		c->h[i] += v[i];
}

/* Fills out with the SHA-256 digest of the n bytes at data. */
static void
sha256(const void *data, size_t n, uint8_t out[32])
{
	struct sha256 c = {{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f,
	    0x9b05688c, 0x1f83d9ab, 0x5be0cd19}, {0}, n};
	const uint8_t *p = data;
	for (; n >= 64; n -= 64, p += 64)
		sha256_block(&c, p);
	memcpy(c.buf, p, n);
	c.buf[n] = 0x80;
	memset(c.buf + n + 1, 0, 63 - n);
	if (n >= 56) {
		sha256_block(&c, c.buf);
		memset(c.buf, 0, 64);
	}
	for (int i = 0; i < 8; i++)
		c.buf[56 + i] = (uint8_t)((c.len * 8) >> (56 - 8 * i));
	sha256_block(&c, c.buf);
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(c.h[i / 4] >> (24 - 8 * (i % 4)));
}

/* Appends n bytes base64-encoded. */
static void
base64(struct sbuf *b, const uint8_t *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {a[v >> 18], a[v >> 12 & 63], i + 1 < n ? a[v >> 6 & 63] : '=',
		    i + 2 < n ? a[v & 63] : '='};
		sbuf_add(b, q, 4);
	}
}

/* Appends untrusted s (may be NULL) HTML-escaped. */
static void
esc(struct sbuf *b, const char *s)
{
	if (s != NULL)
		text_html(b, s, strlen(s));
}

/* Returns the CSS class of a severity, "" for none (-1). */
static const char *
sev_class(int sev)
{
	return sev == DIAG_ERROR ? "sev-error" : sev == DIAG_WARNING ? "sev-warning"
	    : sev == DIAG_INFO ? "sev-info" : "";
}

/* Appends the document head: policy, title, style. */
static void
head(struct sbuf *b, const char *title)
{
	uint8_t h[32];
	sha256(js, sizeof js - 1, h);
	sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
	    "script-src 'sha256-");
	base64(b, h, sizeof h);
	sbuf_puts(b, "'\">\n<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<meta name=\"generator\" content=\"xwtrace\">\n<title>");
	esc(b, title);
	sbuf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

/* The geometry of one call's ladder: its layout (every arrow shown, and
 * the connection rows among them) in pixels. */
struct geo {
	const struct ladder_layout *l;
	int colw, width, height;
};

/* Returns the x of the lifeline of column col. */
static int
geo_x(const struct geo *g, int col)
{
	return LEFT + (col >= 0 ? col : 0) * g->colw + g->colw / 2;
}

/* Returns the geometry of layout l: columns wide enough for the longest
 * label or machine name, within bounds. */
static struct geo
geo_make(const struct ladder_layout *l)
{
	struct geo g = {l, 0, 0, 0};
	size_t longest = l->longest;
	for (size_t i = 0; i < l->ncols; i++) {
		size_t w = text_width(l->cols[i].name);
		longest = w > longest ? w : longest;
	}
	g.colw = (int)longest * CHARW + 36;
	g.colw = g.colw < 190 ? 190 : g.colw > 460 ? 460 : g.colw;
	g.width = LEFT + (int)l->ncols * g.colw + 10;
	g.height = TOP + 24 + (int)l->nsteps * ROW;
	return g;
}

/* Appends at most max columns of s (whole UTF-8 characters), then "...". */
static void
esc_cut(struct sbuf *b, const char *s, size_t max)
{
	size_t n = strlen(s), i = 0, w = 0;
	while (i < n && w < max) {
		size_t l = text_utf8_len((const unsigned char *)s + i, n - i);
		i += l ? l : 1;
		w++;
	}
	text_html(b, s, i);
	if (i < n)
		sbuf_puts(b, "...");
}

/* Appends the machine boxes and lifelines. */
static void
svg_machines(struct sbuf *b, const struct model *m, const struct geo *g)
{
	for (size_t i = 0; i < g->l->ncols; i++) {
		const struct machine *mc = &m->machines[g->l->cols[i].mach];
		int x = geo_x(g, (int)i);
		sbuf_printf(b, "<g class=\"machine%s\"><title>", mc->kind == MACH_EXPRESSWAY ?
		    " exp" : "");
		esc(b, mc->name);
		for (size_t k = 0; k < mc->naddrs; k++) {
			sbuf_puts(b, k ? ", " : " - ");
			esc(b, mc->addrs[k]);
		}
		sbuf_printf(b, "</title><rect class=\"mbox\" x=\"%d\" y=\"8\" width=\"%d\" "
		    "height=\"42\" rx=\"5\"/><text class=\"mname\" x=\"%d\" y=\"26\">",
		    x - g->colw / 2 + 8, g->colw - 16, x);
		esc_cut(b, mc->name, (size_t)(g->colw - 24) / CHARW);
		sbuf_printf(b, "</text><text class=\"mrole\" x=\"%d\" y=\"43\">%s</text>"
		    "<line class=\"life\" x1=\"%d\" y1=\"50\" x2=\"%d\" y2=\"%d\"/></g>\n", x,
		    g->l->cols[i].role, x, x, g->height - 4);
	}
}

/* Appends the shaft, head and label of an arrow at height y. */
static void
svg_shaft(struct sbuf *b, const struct geo *g, const struct ladder_step *st, int y,
    const char *label)
{
	int x1 = geo_x(g, st->from), x2 = geo_x(g, st->to);
	if (x1 == x2) { /* a hop inside one Expressway: a loop to the right */
		sbuf_printf(b, "<path class=\"shaft\" d=\"M%d %dh34v12h-26\"/>"
		    "<path class=\"head\" d=\"M%d %dl10 -5v10z\"/>"
		    "<text class=\"label self\" x=\"%d\" y=\"%d\">%s</text>",
		    x1, y - 6, x1 + 1, y + 6, x1 + 42, y + 4, label);
		return;
	}
	int dir = x2 > x1 ? 1 : -1;
	sbuf_printf(b, "<path class=\"shaft\" d=\"M%d %dH%d\"/>"
	    "<path class=\"head\" d=\"M%d %dl%d -5v10z\"/>"
	    "<text class=\"label\" x=\"%d\" y=\"%d\">%s</text>",
	    x1, y, x2 - 9 * dir, x2, y, -10 * dir, (x1 + x2) / 2, y - 6, label);
}

/* Appends connection row st (row v of the ladder) as <g class="conn">:
 * a dotted grey shaft, its label dim unless a finding cites it. */
static void
svg_conn(struct sbuf *b, const struct diag_result *d, const struct geo *g,
    const struct ladder_step *st, size_t v)
{
	const struct ladder_conn *r = &g->l->conns[st->ai];
	const struct diag_finding *f = r->finding >= 0 && d != NULL ? &d->f[r->finding] : NULL;
	int y = TOP + 20 + (int)v * ROW, x1 = geo_x(g, st->from), x2 = geo_x(g, st->to);
	int dir = x2 > x1 ? 1 : -1;
	char t[24];
	sbuf_printf(b, "<g class=\"conn%s%s\"><title>", f ? " " : "", f ? sev_class((int)f->severity)
	    : "");
	esc(b, r->label);
	if (f != NULL) {
		sbuf_printf(b, "\n%s ", diag_severity_name(f->severity));
		esc(b, f->id);
	}
	sbuf_printf(b, "</title><text class=\"time\" x=\"8\" y=\"%d\">%s</text>"
	    "<path class=\"shaft\" style=\"stroke-dasharray:2 3%s\" d=\"M%d %dH%d\"/>"
	    "<path class=\"head\"%s d=\"M%d %dl%d -5v10z\"/>"
	    "<text class=\"label\" style=\"font-style:italic%s\" x=\"%d\" y=\"%d\">", y + 4,
	    model_time_short(st->t, t, sizeof t), f ? "" : ";stroke:#999", x1, y, x2 - 9 * dir,
	    f ? "" : " style=\"fill:#999\"", x2, y, -10 * dir, f ? "" : ";fill:var(--dim)",
	    (x1 + x2) / 2, y - 6);
	esc(b, r->label);
	sbuf_puts(b, "</text></g>\n");
}

/* Appends one arrow of call ci (row v of the ladder) as <g class="arrow">
 * linked to its message. */
static void
svg_arrow(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    size_t i, size_t v, const struct geo *g)
{
	const struct call *c = &m->calls[ci];
	const struct call_arrow *a = &c->arrows[i];
	const struct sip_msg *s = &m->msgs[a->msg];
	const struct diag_finding *w = diag_arrow_worst(d, ci, i);
	const size_t *idx;
	size_t nf = diag_call_findings(d, (long)ci, &idx);
	int y = TOP + 20 + (int)v * ROW, sev = w != NULL ? (int)w->severity : -1;
	char t[24];
	struct sbuf label = {0};
	esc(&label, g->l->labels[i]);
	char leg[16] = "";
	if (g->l->nlegs > 1 && g->l->legs[i] > 0)
		snprintf(leg, sizeof leg, " leg-%d", (g->l->legs[i] - 1) % 3 + 1);
	sbuf_printf(b, "<g class=\"arrow %s%s%s %s%s\" id=\"c%u-a%zu\" data-i=\"%zu\">"
	    "<a href=\"#c%u-m%zu\"><title>#%zu %s", s->sip->is_request ? "req" : "resp",
	    s->retrans ? " retrans" : "", a->same_host ? " hop" : "", sev_class(sev), leg,
	    c->number, i, i, c->number, i, i, label.s);
	if (g->l->nlegs > 1)
		sbuf_printf(b, "\nleg %c", ladder_leg_letter(g->l->legs[i]));
	for (size_t k = 0; k < nf; k++) {
		const struct diag_finding *f = &d->f[idx[k]];
		if (f->arrow == (int)i) {
			sbuf_printf(b, "\n%s ", diag_severity_name(f->severity));
			esc(b, f->id);
			sbuf_puts(b, ": ");
			esc(b, f->summary);
		}
	}
	sbuf_printf(b, "</title><rect class=\"hit\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
	    "<text class=\"time\" x=\"8\" y=\"%d\">%s</text>", y - ROW + 10, g->width, ROW, y + 4,
	    model_time_short(g->l->steps[v].t, t, sizeof t));
	svg_shaft(b, g, &g->l->steps[v], y, label.s);
	if (g->l->nlegs > 1)
		sbuf_printf(b, "<text class=\"legt\" x=\"%d\" y=\"%d\">%c</text>", LEFT - 38, y + 4,
		    ladder_leg_letter(g->l->legs[i]));
	if (w != NULL)
		sbuf_printf(b, "<circle class=\"mark\" cx=\"%d\" cy=\"%d\" r=\"8\"/>"
		    "<text class=\"markt\" x=\"%d\" y=\"%d\">%c</text>", LEFT - 16, y, LEFT - 16,
		    y + 4, diag_marker(w->id));
	sbuf_puts(b, "</a></g>\n");
	sbuf_free(&label);
}

/* Appends the SVG ladder of call ci from its layout l. */
static void
svg_ladder(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    const struct ladder_layout *l)
{
	const struct call *c = &m->calls[ci];
	struct geo g = geo_make(l);
	sbuf_printf(b, "<div class=\"ladderbox\"><svg class=\"ladder\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Ladder of call %u\">\n", g.width,
	    g.height, g.width, g.height, c->number);
	svg_machines(b, m, &g);
	for (size_t v = 0; v < l->nsteps; v++)
		if (l->steps[v].conn)
			svg_conn(b, d, &g, &l->steps[v], v);
		else
			svg_arrow(b, m, d, ci, l->steps[v].ai, v, &g);
	sbuf_puts(b, "</svg></div>\n");
}

/* Returns the record of the nearest earlier hop of arrow ai of call c whose
 * copy of the message had call-type=squared in its Contact, or -1. The hop
 * before an arrow is the latest earlier arrow of the same kind into the
 * machine it leaves (as the TUI message view finds it). */
static long
squared_upstream(const struct model *m, const struct call *c, size_t ai)
{
	const struct sip_msg *s = &m->msgs[c->arrows[ai].msg];
	for (size_t j = ai, at = ai; j-- > 0;) {
		const struct call_arrow *b = &c->arrows[j];
		const struct sip_msg *t = &m->msgs[b->msg];
		if (b->to != c->arrows[at].from || t->retrans || !sip_same_kind(s, t))
			continue;
		if (t->sip->call_type_squared)
			return (long)b->msg;
		if (b->twin >= 0 && m->msgs[b->twin].sip->call_type_squared)
			return (long)b->twin;
		at = j;
	}
	return -1;
}

/* Appends a Contact value with its parameters highlighted, call-type most. */
static void
contact_value(struct sbuf *b, const char *v)
{
	const char *gt = strchr(v, '>'), *p = gt != NULL ? gt + 1 : v, *semi;
	text_html(b, v, (size_t)(p - v));
	while ((semi = strchr(p, ';')) != NULL) {
		text_html(b, p, (size_t)(semi - p));
		size_t n = strcspn(semi + 1, ";,") + 1;
		bool key = n >= 10 && strncasecmp(semi + 1, "call-type", 9) == 0;
		sbuf_puts(b, key ? "<mark>" : "<span class=\"prm\">");
		text_html(b, semi, n);
		sbuf_puts(b, key ? "</mark>" : "</span>");
		p = semi + n;
	}
	esc(b, p);
}

/* What a raw view has seen so far. */
struct raw_state {
	const struct model *m;
	const struct call *c;
	size_t ai;
	bool body, contact_seen;
	int media;
};

/* Appends the note under a Contact that lost call-type=squared on the way. */
static void
squared_note(struct sbuf *b, struct raw_state *st)
{
	const struct sip_msg *s = &st->m->msgs[st->c->arrows[st->ai].msg];
	long up = s->sip->call_type_squared ? -1 : squared_upstream(st->m, st->c, st->ai);
	if (up < 0)
		return;
	const struct sip_msg *t = &st->m->msgs[up];
	sbuf_puts(b, "\n<span class=\"miss\">  &#8593; call-type=squared absent here; the "
	    "previous hop's copy had it (");
	esc(b, st->m->files[t->file].path);
	sbuf_printf(b, ":%u)</span>", t->msg_line ? t->msg_line : t->line);
}

/* Appends a header line: its name, and its value highlighted as in the TUI
 * message view (Route, Reason with its Q.850 cause, the first Contact). */
static void
header_line(struct sbuf *b, struct raw_state *st, const char *l)
{
	const char *colon = strchr(l, ':');
	char name[32];
	if (colon == NULL) {
		esc(b, l);
		return;
	}
	size_t nl = (size_t)(colon - l);
	snprintf(name, sizeof name, "%.*s", (int)(nl < 31 ? nl : 31), l);
	for (char *p = name + strlen(name); p > name && p[-1] == ' ';)
		*--p = '\0';
	sbuf_puts(b, "<span class=\"hn\">");
	text_html(b, l, nl);
	sbuf_puts(b, "</span>:");
	const char *v = colon + 1, *cause = strcasestr(v, "cause=");
	char d[160];
	if (strcasecmp(name, "route") == 0 || strcasecmp(name, "record-route") == 0) {
		sbuf_puts(b, "<span class=\"h-route\">");
		esc(b, v);
		sbuf_puts(b, "</span>");
	} else if (strcasecmp(name, "reason") == 0) {
		sbuf_puts(b, "<span class=\"h-reason\">");
		esc(b, v);
		sbuf_puts(b, "</span>");
		if (strcasestr(v, "q.850") != NULL && cause != NULL)
			sbuf_printf(b, "<span class=\"dec\">   [Q.850 %s]</span>",
			    q850_describe(atoi(cause + 6), d, sizeof d));
	} else if ((strcasecmp(name, "contact") == 0 || strcasecmp(name, "m") == 0) &&
	    !st->contact_seen) {
		st->contact_seen = true;
		contact_value(b, v);
		squared_note(b, st);
	} else {
		esc(b, v);
	}
}

/* Appends an SDP line: m= lines with their codecs, rtpmap codec names. */
static void
body_line(struct sbuf *b, struct raw_state *st, const char *l)
{
	const struct sip_msg *s = &st->m->msgs[st->c->arrows[st->ai].msg];
	const char *sp = strchr(l, ' ');
	if (strncmp(l, "m=", 2) == 0) {
		sbuf_puts(b, "<span class=\"h-media\">");
		esc(b, l);
		sbuf_puts(b, "</span>");
		if (st->media < s->sip->nmedia && s->sip->media[st->media].codecs != NULL) {
			sbuf_puts(b, "<span class=\"codecs\">   [");
			esc(b, s->sip->media[st->media].codecs);
			sbuf_puts(b, "]</span>");
		}
		st->media++;
	} else if (strncmp(l, "a=rtpmap:", 9) == 0 && sp != NULL) {
		size_t to = strcspn(sp + 1, "/");
		text_html(b, l, (size_t)(sp + 1 - l));
		sbuf_puts(b, "<span class=\"h-codec\">");
		text_html(b, sp + 1, to);
		sbuf_puts(b, "</span>");
		esc(b, sp + 1 + to);
	} else {
		esc(b, l);
	}
}

/* Appends the raw text of arrow ai of call c, one line at a time,
 * highlighted. */
static void
raw_view(struct sbuf *b, const struct model *m, const struct call *c, size_t ai,
    const char *raw, size_t n)
{
	struct raw_state st = {m, c, ai, false, false, 0};
	sbuf_puts(b, "<pre class=\"raw\">");
	for (size_t i = 0, no = 0; i < n; no++) {
		size_t e = i;
		while (e < n && raw[e] != '\n')
			e++;
		size_t len = e > i && raw[e - 1] == '\r' ? e - 1 - i : e - i;
		char *l = xstrndup(raw + i, len);
		if (strlen(l) != len) { /* a NUL byte: every byte shown, no highlight */
			text_html(b, raw + i, len);
		} else if (no == 0) {
			sbuf_puts(b, "<span class=\"fl\">");
			esc(b, l);
			sbuf_puts(b, "</span>");
		} else if (len == 0) {
			st.body = true;
		} else {
			(st.body ? body_line : header_line)(b, &st, l);
		}
		sbuf_puts(b, "\n");
		free(l);
		i = e + 1;
	}
	sbuf_puts(b, "</pre>\n");
}

/* Appends the evidence of a finding: each file:line with the line quoted. */
static void
evidence(struct sbuf *b, const struct diag_finding *f)
{
	if (f->nev == 0)
		return;
	sbuf_puts(b, "<div class=\"ev\">Evidence:<ul class=\"evl\">");
	for (size_t e = 0; e < f->nev; e++) {
		char where[1024];
		sbuf_puts(b, "<li><span class=\"mono\">");
		esc(b, view_evidence_where(&f->ev[e], where, sizeof where));
		sbuf_puts(b, "</span>");
		if (f->ev[e].text != NULL && f->ev[e].text[0] != '\0') {
			sbuf_puts(b, "<pre class=\"quote\">");
			esc(b, f->ev[e].text);
			sbuf_puts(b, "</pre>");
		}
		sbuf_puts(b, "</li>");
	}
	sbuf_puts(b, "</ul></div>");
}

/* Appends a list item per finding of call ci on arrow ai (-1: the call). */
static void
finding_items(struct sbuf *b, const struct model *m, const struct diag_result *d, int ci,
    int ai, bool full)
{
	const size_t *idx;
	size_t n = diag_call_findings(d, ci, &idx);
	for (size_t k = 0; k < n; k++) {
		const struct diag_finding *f = &d->f[idx[k]];
		if (!full && f->arrow != ai)
			continue;
		sbuf_printf(b, "<li class=\"%s\"><span class=\"mk\">%c</span> "
		    "<span class=\"sev\">%s</span> <code>", sev_class((int)f->severity),
		    diag_marker(f->id), diag_severity_name(f->severity));
		esc(b, f->id);
		sbuf_puts(b, "</code> ");
		if (full && ci >= 0 && f->arrow >= 0)
			sbuf_printf(b, "<a href=\"#c%u-a%d\">message #%d</a>: ",
			    m->calls[ci].number, f->arrow, f->arrow);
		if (ci < 0) {
			struct sbuf about = {0};
			view_finding_about(&about, m, f);
			sbuf_puts(b, "<span class=\"about mono\">");
			esc(b, about.s);
			sbuf_puts(b, "</span>: ");
			sbuf_free(&about);
		}
		esc(b, f->summary);
		if (full) {
			sbuf_puts(b, "<div class=\"fix\">Fix: ");
			esc(b, f->fix);
			sbuf_puts(b, "</div>");
			evidence(b, f);
		}
		sbuf_puts(b, "</li>\n");
	}
}

/* Appends one logged record of a message: who logged it, where, which way. */
static void
record(struct sbuf *b, const struct model *m, const struct sip_msg *s)
{
	bool sent = s->action == ACT_SENT;
	sbuf_puts(b, "<p class=\"rec mono\">");
	esc(b, m->hosts[s->host].name);
	sbuf_printf(b, " %s ", sent ? "sent to" : "received from");
	esc(b, s->remote_ip);
	sbuf_printf(b, ":%u %s ", s->remote_port, sent ? "from" : "on");
	esc(b, s->local_ip);
	sbuf_printf(b, ":%u &#183; ", s->local_port);
	esc(b, m->files[s->file].path);
	sbuf_printf(b, ":%u</p>\n", s->msg_line ? s->msg_line : s->line);
}

/* Appends the hidden section of message i of call ci, shown when chosen. */
static void
msg_section(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci,
    const struct ladder_layout *l, size_t i)
{
	const struct call *c = &m->calls[ci];
	const struct call_arrow *a = &c->arrows[i];
	const struct sip_msg *s = &m->msgs[a->msg];
	char t[40], f[256], to[256];
	sbuf_printf(b, "<section class=\"msg\" id=\"c%u-m%zu\"><h3>#%zu ", c->number, i, i);
	esc(b, l->labels[i]);
	sbuf_printf(b, "</h3>\n<p class=\"rec\">%s &#183; ", model_time_iso(a->t, t, sizeof t));
	esc(b, model_machine_label(m, a->from, f, sizeof f));
	sbuf_puts(b, " &#8594; ");
	esc(b, model_machine_label(m, a->to, to, sizeof to));
	sbuf_printf(b, " &#183; <a href=\"#c%u-a%zu\">in the ladder</a></p>\n", c->number, i);
	record(b, m, s);
	if (a->twin >= 0)
		record(b, m, &m->msgs[a->twin]);
	if (diag_arrow_worst(d, ci, i) != NULL) {
		sbuf_puts(b, "<ul class=\"mf\">\n");
		finding_items(b, m, d, (int)ci, (int)i, false);
		sbuf_puts(b, "</ul>\n");
	}
	size_t n = 0;
	char *raw = sip_raw(m, s, &n);
	if (raw != NULL)
		raw_view(b, m, c, i, raw, n);
	else
		sbuf_puts(b, "<p>Only the INFO summary of this message was logged; its text was "
		    "not.</p>\n");
	free(raw);
	sbuf_puts(b, "</section>\n");
}

/* Appends the summary table of a call: time, Call-IDs and how they joined. */
static void
call_summary(struct sbuf *b, const struct model *m, const struct call *c)
{
	char t[40];
	sbuf_printf(b, "<table class=\"kv\"><tr><td>Start</td><td>%s</td></tr>",
	    model_time_iso(c->start, t, sizeof t));
	sbuf_printf(b, "<tr><td>End</td><td>%s</td></tr><tr><td>Messages</td><td>%zu</td></tr>",
	    model_time_iso(c->end, t, sizeof t), c->narrows);
	sbuf_printf(b, "<tr><td>Call-ID%s</td><td class=\"mono\">", c->ncall_ids > 1 ? "s (legs)"
	    : "");
	for (size_t k = 0; k < c->ncall_ids || k == 0; k++) {
		sbuf_puts(b, k ? "<br>" : "");
		if (c->ncall_ids > 1)
			sbuf_printf(b, "<span class=\"leg leg-%d\">%c</span> ", k ? (int)(k - 1) % 3 + 1
			    : 0, ladder_leg_letter(k));
		esc(b, c->ncall_ids ? c->call_ids[k] : "?");
		if (k > 0) {
			sbuf_puts(b, " (linked by ");
			esc(b, ladder_leg_rule(c, k));
			sbuf_puts(b, ")");
		}
	}
	sbuf_puts(b, "</td></tr><tr><td>Clock</td><td>");
	struct sbuf clk = {0};
	view_clock(&clk, m, c);
	esc(b, clk.s);
	sbuf_free(&clk);
	sbuf_puts(b, "</td></tr>");
	if (c->nsession_ids) {
		sbuf_puts(b, "<tr><td>Session-ID</td><td class=\"mono\">");
		for (size_t i = 0; i < c->nsession_ids; i++) {
			sbuf_puts(b, i ? "<br>" : "");
			esc(b, c->session_ids[i]);
		}
		sbuf_puts(b, "</td></tr>");
	}
	sbuf_puts(b, "</table>\n");
}

/* Appends the files and hosts a call was built from. */
static void
sources(struct sbuf *b, const struct model *m, const struct call *c)
{
	bool *used = xcalloc(m->nfiles + 1, sizeof *used);
	for (size_t i = 0; i < c->narrows; i++) {
		used[m->msgs[c->arrows[i].msg].file] = true;
		if (c->arrows[i].twin >= 0)
			used[m->msgs[c->arrows[i].twin].file] = true;
	}
	sbuf_puts(b, "<h2>Built from</h2>\n<ul class=\"src\">\n");
	for (size_t f = 0; f < m->nfiles; f++)
		if (used[f]) {
			sbuf_puts(b, "<li>File <span class=\"mono\">");
			esc(b, m->files[f].path);
			sbuf_puts(b, "</span>, logged by ");
			esc(b, m->files[f].host);
			sbuf_puts(b, "</li>\n");
		}
	for (size_t k = 0; k < c->nhosts; k++) {
		uint32_t h = c->hosts[k];
		const struct host *ho = &m->hosts[h];
		sbuf_puts(b, "<li>Host ");
		esc(b, ho->name);
		sbuf_printf(b, " (%s)", model_role_name(ho->role));
		for (size_t a = 0; a < ho->naddrs; a++) {
			sbuf_puts(b, a ? ", " : ": ");
			esc(b, ho->addrs[a]);
		}
		if (m->skew != NULL && m->skew_pairs != NULL && m->skew_pairs[h] > 0)
			sbuf_printf(b, "; clock %+lld ms, corrected", (long long)m->skew[h]);
		sbuf_puts(b, "</li>\n");
	}
	sbuf_puts(b, "</ul>\n");
	free(used);
}

/* Appends the whole section of call ci. */
static void
call_section(struct sbuf *b, const struct model *m, const struct diag_result *d, size_t ci)
{
	const struct call *c = &m->calls[ci];
	struct sbuf t = {0};
	struct ladder_layout l;
	view_call_title(&t, m, c, VT_EXPORT);
	sbuf_printf(b, "<section class=\"call\" id=\"c%u\">\n<h1>", c->number);
	esc(b, t.s);
	sbuf_puts(b, "</h1>\n");
	call_summary(b, m, c);
	sbuf_puts(b, "<h2>Findings</h2>\n");
	const size_t *idx;
	if (diag_call_findings(d, (long)ci, &idx) > 0) {
		sbuf_puts(b, "<ol class=\"findings\">\n");
		finding_items(b, m, d, (int)ci, -1, true);
		sbuf_puts(b, "</ol>\n");
	} else {
		sbuf_puts(b, "<p>None.</p>\n");
	}
	sbuf_puts(b, "<h2>Ladder</h2>\n");
	ladder_layout(&l, m, d, c, LADDER_ALL | LADDER_CONNS);
	svg_ladder(b, m, d, ci, &l);
	for (size_t i = 0; i < c->narrows; i++)
		msg_section(b, m, d, ci, &l, i);
	ladder_layout_free(&l);
	sources(b, m, c);
	sbuf_puts(b, "</section>\n");
	sbuf_free(&t);
}

export_write_fn export_html; /* the type of the table's writers (export.c) */

/* Returns 0 after appending one self-contained page of the calls. */
int
export_html(struct sbuf *out, const struct model *m, const struct diag_result *d,
    const size_t *calls, size_t n)
{
	struct sbuf t = {0};
	if (n == 1)
		view_call_title(&t, m, &m->calls[calls[0]], VT_EXPORT);
	else if (n == 0)
		sbuf_puts(&t, "Findings (no call in these logs)");
	else
		sbuf_printf(&t, "%zu calls", n);
	head(out, t.s);
	if (n > 0)
		sbuf_puts(out, "<p class=\"hint\">Rebuilt from Expressway diagnostic logs by xwtrace. "
		    "Click an arrow to see its message below the ladder; n and p step through the "
		    "messages.</p>\n");
	else
		sbuf_puts(out, "<h1>No call in these logs</h1>\n<p class=\"hint\">Read from "
		    "Expressway diagnostic logs by xwtrace: the findings of the connections and the "
		    "configuration, with the lines that prove them.</p>\n");
	for (size_t i = 0; n > 1 && i < n; i++) {
		struct sbuf ct = {0};
		view_call_title(&ct, m, &m->calls[calls[i]], VT_EXPORT);
		sbuf_printf(out, "%s<a href=\"#c%u\">", i ? "<br>" : "<nav>",
		    m->calls[calls[i]].number);
		esc(out, ct.s);
		sbuf_puts(out, i + 1 == n ? "</a></nav>\n" : "</a>");
		sbuf_free(&ct);
	}
	for (size_t i = 0; i < n; i++)
		call_section(out, m, d, calls[i]);
	const size_t *idx;
	if (diag_call_findings(d, -1, &idx) > 0) {
		sbuf_puts(out, "<section id=\"global\"><h2>Configuration and connection findings"
		    "</h2>\n<ol class=\"findings\">\n");
		finding_items(out, m, d, -1, -1, true);
		sbuf_puts(out, "</ol></section>\n");
	}
	sbuf_printf(out, "<script>%s</script>\n</body>\n</html>\n", js);
	sbuf_free(&t);
	return 0;
}
