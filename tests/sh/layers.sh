#!/usr/bin/env bash
# layers.sh - the tree keeps its layers (HACKING.md): no file uses or includes
# a layer above its own, no circle between files (the browser's screens open
# each other only through ui_*_open). Read from the objects of the build the
# suite runs ($XW's directory).
. "$(dirname "$0")/../lib.sh"
build=$(dirname "$XW")
if ! command -v nm >/dev/null || ! command -v python3 >/dev/null; then
	fail layers "nm and python3 are needed"; exit 0
fi
out=$(python3 "$TOP/tests/tools/layers.py" "$build" 2>&1)
if [ $? -eq 0 ]; then ok layers; else fail layers "$(printf '%s' "$out" | head -20 | tr '\n' ';')"; fi
# the check sees what it must: a use that runs up a layer is caught
case $(python3 - "$TOP/tests/tools/layers.py" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("layers", sys.argv[1])
L = importlib.util.module_from_spec(spec)
spec.loader.exec_module(L)
print(L.layer_of("model") < L.layer_of("fmt_expressway") < L.layer_of("corr") <
      L.layer_of("diag_tls") < L.layer_of("ui_flow") < L.layer_of("cmd_list"))
PY
) in *True) ok layers-order;; *) fail layers-order;; esac
