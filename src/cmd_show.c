/* cmd_show.c - `xwtrace show CALL LOG...`: one call as a ladder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "jsonout.h"
#include "ladder.h"

enum { OPT_ROLE = 256, OPT_XCONFIG, OPT_ALL_HOPS };

static const struct option show_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{"all-hops", no_argument, NULL, OPT_ALL_HOPS},
	{"raw", no_argument, NULL, 'r'},
	{"role", required_argument, NULL, OPT_ROLE},
	{"xconfig", required_argument, NULL, OPT_XCONFIG},
	{"quiet", no_argument, NULL, 'q'},
	{NULL, 0, NULL, 0},
};

int
cmd_show(int argc, char **argv)
{
	struct cmd_common co = {0};
	bool json = false, raw = false;
	struct ladder_opts lo = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jrq", show_opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': raw = true; break;
		case 'q': co.quiet = true; break;
		case OPT_ALL_HOPS: lo.all_hops = true; break;
		case OPT_ROLE: VEC_PUSH(co.roles, co.nroles, co.rolecap, optarg); break;
		case OPT_XCONFIG: VEC_PUSH(co.xconfigs, co.nxconfigs, co.xconfigcap, optarg); break;
		default: cmd_common_free(&co); return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "xwtrace: usage: xwtrace show [--json] CALL LOG...\n");
		cmd_common_free(&co);
		return 2;
	}
	const char *spec = argv[optind];
	struct model *m = cmd_load(argv + optind + 1, argc - optind - 1, &co);
	if (m == NULL) {
		cmd_common_free(&co);
		return 2;
	}
	char err[256];
	struct call *call = model_find_call(m, spec, err, sizeof err);
	if (call == NULL) {
		cmd_error(err);
		model_free(m);
		cmd_common_free(&co);
		return 2;
	}
	struct sbuf b = {0};
	if (json) {
		jsonout_call(&b, m, &co.diag, call, true, raw);
		sbuf_add(&b, "\n", 1);
	} else {
		ladder_text(&b, m, call, &lo);
	}
	fwrite(b.s, 1, b.len, stdout);
	sbuf_free(&b);
	model_free(m);
	cmd_common_free(&co);
	return 0;
}
