# capture.sh - packet captures and certificate files: every finding on its
# capture and on no other (tests/data/captures/README.md's table), the SIP
# messages and Call-IDs tshark sees, the bundles that hold a log beside its
# capture (tests/data/bundles/), certificate files, the pcap export of
# captured messages, and captures cut short or mangled.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
T=$XW_TMP/capture; mkdir -p "$T"
CAP=tests/data/captures CERT=tests/data/certs BUN=tests/data/bundles

# The README's table as "file|expected finding|tshark options" lines.
python3 - "$CAP/README.md" > "$T/table" <<'EOF'
import re, sys
text = open(sys.argv[1]).read().split('<!-- table:begin -->')[1].split('<!-- table:end -->')[0]
for row in text.strip().split('\n')[2:]:
    c = [x.strip() for x in row.strip().strip('|').split('|')]
    opts = ' '.join(re.findall(r'`(-[^`]*)`', c[6]))
    print('%s|%s|%s' % (c[1].strip('`'), c[5], opts))
EOF
[ "$(wc -l < "$T/table")" -ge 20 ] && ok table-read || fail table-read "$(wc -l < "$T/table") rows"

# findings FILE JSON: the "id:severity" of every error and warning, sorted.
findings() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s" % f["id"] for f in d["findings"] if f["severity"] != "info")))' "$1"
}

# Each capture: exactly its finding (or none); evidence packets exist.
while IFS='|' read -r f want opts; do
	n=${f%%.*}
	"$XW" diagnose --json -q "$CAP/$f" > "$T/$n.json" 2> "$T/$n.err"
	got=$(findings "$T/$n.json")
	[ "$want" = none ] && want=
	[ "$got" = "$want" ] && ok "finding-$n" || fail "finding-$n" "want '$want', got '$got'"
	python3 - "$T/$n.json" "$CAP/$f" <<'EOF' && ok "evidence-$n" || fail "evidence-$n"
import json, sys
d = json.load(open(sys.argv[1]))
for f in d['findings']:
    assert f['evidence'], f['id']
    for e in f['evidence']:
        assert 'packet' in e and e['packet'] >= 1 and e['text'], e
        assert e['file'] == sys.argv[2], e
EOF
done < "$T/table"

# The SIP messages and Call-IDs, as tshark counts them (its options from the table).
if command -v tshark > /dev/null; then
	while IFS='|' read -r f want opts; do
		n=${f%%.*}
		# shellcheck disable=SC2086
		tshark -r "$CAP/$f" $opts -Y sip -T fields -e sip.Call-ID 2>/dev/null > "$T/$n.tshark"
		"$XW" list --json --all -q "$CAP/$f" > "$T/$n.list"
		python3 - "$T/$n.tshark" "$T/$n.list" <<'EOF' && ok "tshark-count-$n" || fail "tshark-count-$n"
import collections, json, sys
want = collections.Counter(c for l in open(sys.argv[1]) for c in l.strip().split(',') if c)
d = json.load(open(sys.argv[2]))
got = collections.Counter()
for c in d['calls']:
    assert len(c['call_ids']) == 1, c['call_ids']
    got[c['call_ids'][0]] += c['messages']
n = sum(f['sip_messages'] for f in d['files'])
assert n == sum(want.values()) and got == want, (n, dict(want), dict(got))
EOF
	done < "$T/table"
else
	ok tshark-absent-counts-skipped
fi

# Each message at the frame where tshark completes it (the table's "SIP f,..").
python3 - "$XW" "$CAP" <<'EOF' && ok sip-frames || fail sip-frames
import json, re, subprocess, sys
xw, cap = sys.argv[1], sys.argv[2]
text = open(cap + '/README.md').read().split('<!-- table:begin -->')[1].split('<!-- table:end -->')[0]
for row in text.strip().split('\n')[2:]:
    c = [x.strip() for x in row.strip().strip('|').split('|')]
    m = re.search(r'SIP ([0-9x,\[\]+]+)', c[4])
    if not m:
        continue
    want = []
    for item in m.group(1).split(','):
        item = re.sub(r'\[.*\]', '', item)
        n, _, k = item.partition('x')
        want += [int(n)] * int(k or 1)
    path = cap + '/' + c[1].strip('`')
    got = []
    for call in json.loads(subprocess.check_output([xw, 'list', '--json', '--all', '-q', path]))['calls']:
        s = json.loads(subprocess.check_output([xw, 'show', '--json', '-q', str(call['number']), path]))
        got += [r['packet'] for msg in s['messages'] for r in msg['records']]
    assert sorted(got) == sorted(want), (path, want, sorted(got))
EOF

# Captures alone: machines named as for logs, messages Sent or Received as
# the capture point sees them.
"$XW" show -q 1 "$CAP/sip-tcp-split.pcap" > "$T/split.show"
contains split-capture-point "$T/split.show" '192\.168\.1\.5 +CUCM 192\.168\.1\.21'
contains split-role "$T/split.show" 'expressway-c +cucm'
contains split-invite-in "$T/split.show" '<-+\|$'
"$XW" list --json -q "$CAP/sip-tcp-sll.pcap" | grep -q '"host":"192.168.1.5"' &&
	ok sll-capture-point || fail sll-capture-point
"$XW" list -q "$CAP/" > "$T/all.list" 2>&1 && ok directory-of-captures || fail directory-of-captures
contains directory-calls "$T/all.list" '^9 calls on [0-9-]+ \(9 OPTIONS'

# Connection rows: the TCP connection that carried the call, among its
# arrows (SYN and SYN/ACK before the INVITE, the FINs after), dotted; none
# for a log alone; every line within the width.
"$XW" show -q 1 "$CAP/sip-tcp-call.pcap" > "$T/conn.show"
contains conn-row-syn "$T/conn.show" '\| +TCP SYN +\|$'
contains conn-row-dotted "$T/conn.show" '^00:32:48\.173 +\|\.+>\|$'
"$XW" show -q --width 100 1 "$CAP/sip-tcp-call.pcap" > "$T/conn100.show"
golden capture-conn-show-100.txt "$T/conn100.show"
"$XW" show -q --width 80 1 "$CAP/sip-tcp-call.pcap" > "$T/conn80.show"
awk 'length > 80 { bad = 1 } END { exit bad }' "$T/conn80.show" && grep -q 'TCP FIN' "$T/conn80.show" &&
	ok conn-rows-fit-80 || fail conn-rows-fit-80
"$XW" show -q 1 "$BUN/c-udp-merge.tar.gz" > "$T/conn-udp.show"
lacks conn-none-over-udp "$T/conn-udp.show" 'TCP |TLS '

# Mirrored traffic: every packet of real captures wrapped in each tunnel a
# mirror uses (tests/tools/tunnel.py) reads as the capture itself: the same
# list, ladders with their connection rows, and findings.
mkdir -p "$T/tun"
for k in ipip gre erspan2 erspan3 vxlan; do
	bad=
	for f in sip-tcp-call.pcap sip-udp-call.pcap sip-tcp-reorder.pcap tls-firewall-reset.pcap \
	    tls-chain-incomplete.pcap; do
		python3 "$TOP/tests/tools/tunnel.py" "$k" "$CAP/$f" "$T/tun/$f" || { bad="$bad $f:tunnel.py"; continue; }
		for args in "list --all" "show 1" "diagnose"; do
			# shellcheck disable=SC2086
			a=$("$XW" $args -q --width 200 "$CAP/$f" 2>&1 | sed "s|$CAP/||g")
			# shellcheck disable=SC2086
			b=$("$XW" $args -q --width 200 "$T/tun/$f" 2>&1 | sed "s|$T/tun/||g")
			[ "$a" = "$b" ] || bad="$bad $f:${args%% *}"
		done
	done
	if [ -z "$bad" ]; then ok "tunnel-$k"; else fail "tunnel-$k" "differs:$bad"; fi
done

# show --json carries the same connection rows as the ladder, in order,
# each naming the packet tshark shows with that TCP flag.
python3 - "$XW" "$CAP" <<'EOF' && ok conn-rows-json || fail conn-rows-json
import glob, json, re, shutil, subprocess, sys
xw, cap = sys.argv[1], sys.argv[2]
tshark = shutil.which('tshark')
flag = {'SYN': 'tcp.flags.syn==1 && tcp.flags.ack==0', 'SYN/ACK': 'tcp.flags.syn==1 && tcp.flags.ack==1',
        'RST': 'tcp.flags.reset==1', 'FIN': 'tcp.flags.fin==1'}
rows = 0
for path in sorted(glob.glob(cap + '/*.pcap*')):
    calls = json.loads(subprocess.check_output([xw, 'list', '--json', '--all', '-q', path]))['calls']
    for call in calls:
        n = str(call['number'])
        s = json.loads(subprocess.check_output([xw, 'show', '--json', '-q', n, path]))
        text = subprocess.check_output([xw, 'show', '-q', '--width', '1000', n, path]).decode()
        want = re.findall(r'\| +((?:TCP|TLS) [^|]*?) +\|', text)
        got = [r['label'] for r in s['connections']]
        assert got == want, (path, n, got, want)
        ids = {m['id'] for m in s['machines']}
        for r in s['connections']:
            rows += 1
            assert r['from_machine'] in ids and r['to_machine'] in ids, (path, r)
            kind = r['label'].split(' ')[1]
            if tshark and r['label'].startswith('TCP ') and kind in flag:
                frames = subprocess.check_output([tshark, '-r', path, '-Y', flag[kind], '-T', 'fields',
                                                  '-e', 'frame.number'], stderr=subprocess.DEVNULL).split()
                assert str(r['packet']).encode() in frames, (path, r, frames)
assert rows > 0
print('%d connection rows' % rows, file=sys.stderr)
EOF

# A message logged and captured is one message; the capture's clock is the log's.
"$XW" list --json --all "$BUN/c-udp-merge.tar.gz" > "$T/merge.json" 2> "$T/merge.err"
python3 - "$T/merge.json" <<'EOF' && ok merge-one-record || fail merge-one-record
import json, sys
d = json.load(open(sys.argv[1]))
calls = sorted((c['method'], c['messages'], tuple(c['hosts'])) for c in d['calls'])
assert calls == [('INVITE', 7, ('rtp12-tpdmz-118-VCSC',)), ('OPTIONS', 2, ('rtp12-tpdmz-118-VCSC',))], calls
hosts = {f['host'] for f in d['files'] if f['format'] != 'xconfig'}
assert hosts == {'rtp12-tpdmz-118-VCSC'}, hosts
EOF
contains merge-clock-note "$T/merge.err" "clock is 1200 ms behind the log of rtp12-tpdmz-118-VCSC \(from 8 messages"
"$XW" show --json -q 2 "$BUN/c-udp-merge.tar.gz" > "$T/merge.show"
python3 - "$T/merge.show" <<'EOF' && ok merge-records || fail merge-records
import json, sys
d = json.load(open(sys.argv[1]))
opt, ok200 = d['messages']
assert [('packet' in r) for r in opt['records']] == [False, True], opt['records']
assert [('packet' in r) for r in ok200['records']] == [True], ok200['records']
# the capture saw the 200 OK 21 ms after the OPTIONS; on the log's clock too
assert ok200['time'] == '2026-12-07T00:32:45.729Z' and opt['time'] == '2026-12-07T00:32:45.708Z', \
    (opt['time'], ok200['time'])
EOF

# The log's TLS finding gains the capture's proof, and is made once.
"$XW" diagnose --json -q "$BUN/e-untrusted-ca.tar.gz" > "$T/untrusted.json"
python3 - "$T/untrusted.json" <<'EOF' && ok bundle-untrusted-proof || fail bundle-untrusted-proof
import json, sys
fs = json.load(open(sys.argv[1]))['findings']
assert [f['id'] for f in fs] == ['tls-untrusted-ca'], [f['id'] for f in fs]
ev = fs[0]['evidence']
assert any(e.get('packet') == 18 and 'unknown_ca' in e['text'] for e in ev), ev
assert any(e.get('packet') == 17 and 'Hydrant SSL ICA G2' in e['text'] for e in ev), ev
assert any('line' in e and e['file'].endswith('.txt') for e in ev), ev
assert 'The capture shows it' in fs[0]['fix'] and fs[0]['host'] == 'amer-expressway01', fs[0]
EOF
"$XW" diagnose --json -q "$BUN/e-cert-unknown.tar.gz" > "$T/certunknown.json"
python3 - "$T/certunknown.json" <<'EOF' && ok bundle-cert-unknown-cause || fail bundle-cert-unknown-cause
import json, sys
fs = {f['id']: f for f in json.load(open(sys.argv[1]))['findings']}
assert sorted(fs) == ['tls-cert-unknown', 'tls-chain-incomplete'], sorted(fs)
assert 'see tls-chain-incomplete' in fs['tls-cert-unknown']['fix']
ev = fs['tls-chain-incomplete']['evidence']
assert any(e['file'].endswith('certificates/trusted_ca.pem') for e in ev), ev
assert any(e.get('packet') == 12 for e in ev), ev
EOF

# A call whose connection to Webex failed, with the capture of that
# connection: the call's tcp-connect-failed cites the unanswered SYNs, which
# are not made a finding of their own; the call's ladder draws them between
# the E and Webex, marked; without the capture, the log's finding as before.
"$XW" diagnose --json -q "$BUN/e-connect-failed.tar.gz" > "$T/connfail.json"
python3 - "$T/connfail.json" <<'EOF' && ok bundle-connect-failed-proof || fail bundle-connect-failed-proof
import json, sys
fs = json.load(open(sys.argv[1]))['findings']
assert [(f['id'], f['call']) for f in fs] == [('tcp-connect-failed', 1)], fs
syns = [e['packet'] for e in fs[0]['evidence'] if 'packet' in e]
assert syns == [3, 4, 5, 6], syns
assert all('TCP SYN 172.16.2.2:28360 -> 146.20.193.70:5062' in e['text']
           for e in fs[0]['evidence'] if 'packet' in e), fs[0]['evidence']
EOF
"$XW" show -q --width 200 1 "$BUN/e-connect-failed.tar.gz" > "$T/connfail.show"
contains connect-failed-ladder-webex "$T/connfail.show" '^ +Webex +amer-expressway01 '
contains connect-failed-ladder-syns "$T/connfail.show" '^ +T +\| +TCP SYN x4 +\|'
contains connect-failed-ladder-dotted "$T/connfail.show" '^00:32:25\.280 +\+0\.350 +\|<\.+\| '
"$XW" show --json -q 1 "$BUN/e-connect-failed.tar.gz" |
	grep -q '"label":"TCP SYN x4","count":4,.*"packet":3,"finding":"tcp-connect-failed"' &&
	ok connect-failed-json-row || fail connect-failed-json-row
mkdir -p "$T/connfail" && tar -xzf "$BUN/e-connect-failed.tar.gz" -C "$T/connfail"
"$XW" diagnose --json -q "$T/connfail/diagnostic_logging/"*.txt > "$T/connfail-log.json"
python3 - "$T/connfail-log.json" <<'EOF' && ok connect-failed-log-alone || fail connect-failed-log-alone
import json, sys
fs = json.load(open(sys.argv[1]))['findings']
assert [(f['id'], f['call']) for f in fs] == [('tcp-connect-failed', 1)], fs
assert not any('packet' in e for e in fs[0]['evidence'])
EOF
"$XW" diagnose --json -q "$T/connfail/diagnostic_logging/"*.pcap > "$T/connfail-cap.json"
[ "$(findings "$T/connfail-cap.json")" = tcp-syn-unanswered ] && ok connect-failed-capture-alone ||
	fail connect-failed-capture-alone "$(findings "$T/connfail-cap.json")"

# The same connection refused: Webex answers the SYN with a reset. The call's
# tcp-connect-failed cites the SYN and the reset and says nothing listens
# there (the reset's fix, not the firewall's); the reset is not made a
# tcp-reset-not-listening of its own; the capture alone still makes it.
"$XW" diagnose --json -q "$BUN/e-connect-refused.tar.gz" > "$T/connref.json"
python3 - "$T/connref.json" <<'EOF' && ok bundle-connect-refused-proof || fail bundle-connect-refused-proof
import json, sys
fs = json.load(open(sys.argv[1]))['findings']
assert [(f['id'], f['call']) for f in fs] == [('tcp-connect-failed', 1)], fs
f = fs[0]
ev = [(e['packet'], e['text']) for e in f['evidence'] if 'packet' in e]
assert ev == [(3, 'TCP SYN 172.16.2.2:28370 -> 146.20.193.70:5062'),
              (4, 'TCP RST 146.20.193.70:5062 -> 172.16.2.2:28370')], ev
assert 'a capture shows 146.20.193.70 answer the SYN with a reset' in f['summary'], f['summary']
assert 'firewall' not in f['fix'] and 'refuse connections' in f['fix'], f['fix']
EOF
"$XW" show -q --width 200 1 "$BUN/e-connect-refused.tar.gz" > "$T/connref.show"
python3 - "$T/connref.show" <<'EOF' && ok connect-refused-ladder || fail connect-refused-ladder
import re, sys
rows = re.findall(r'^ +T +\| +(TCP [A-Z/]+) +\| +\|', open(sys.argv[1]).read(), re.M)
assert rows == ['TCP SYN', 'TCP RST'], rows
EOF
mkdir -p "$T/connref" && tar -xzf "$BUN/e-connect-refused.tar.gz" -C "$T/connref"
"$XW" diagnose --json -q "$T/connref/diagnostic_logging/"*.txt > "$T/connref-log.json"
python3 - "$T/connref-log.json" <<'EOF' && ok connect-refused-log-alone || fail connect-refused-log-alone
import json, sys
fs = json.load(open(sys.argv[1]))['findings']
assert [(f['id'], f['call']) for f in fs] == [('tcp-connect-failed', 1)], fs
assert 'firewall' in fs[0]['fix'] and 'reset' not in fs[0]['summary'], fs[0]
EOF
"$XW" diagnose --json -q "$T/connref/diagnostic_logging/"*.pcap > "$T/connref-cap.json"
[ "$(findings "$T/connref-cap.json")" = tcp-reset-not-listening ] && ok connect-refused-capture-alone ||
	fail connect-refused-capture-alone "$(findings "$T/connref-cap.json")"

# The same for a TLS handshake torn down by a reset: the call's
# tls-remote-disconnect cites the reset and the chain the E sent, and the
# call's ladder draws the handshake up to the reset.
"$XW" diagnose --json -q "$BUN/e-tls-reset.tar.gz" > "$T/tlsreset.json"
python3 - "$T/tlsreset.json" <<'EOF' && ok bundle-tls-reset-proof || fail bundle-tls-reset-proof
import json, sys
fs = {f['id']: f for f in json.load(open(sys.argv[1]))['findings']}
assert sorted(fs) == ['tls-firewall-reset', 'tls-remote-disconnect'], sorted(fs)
f = fs['tls-remote-disconnect']
assert f['call'] == 1, f
ev = f['evidence']
assert any(e.get('packet') == 18 and 'TCP RST 146.20.193.70:5062' in e['text'] for e in ev), ev
assert any(e.get('packet') == 15 and 'CN=amer-expressway01' in e['text'] for e in ev), ev
EOF
"$XW" show -q --width 200 1 "$BUN/e-tls-reset.tar.gz" > "$T/tlsreset.show"
python3 - "$T/tlsreset.show" <<'EOF' && ok tls-reset-ladder || fail tls-reset-ladder
import re, sys
rows = re.findall(r'\| +((?:TCP|TLS) [^|]*?) +\|', open(sys.argv[1]).read())
assert rows[:2] == ['TCP SYN', 'TCP SYN/ACK'] and rows[2].startswith('TLS ClientHello (SNI call'), rows
assert rows[-1] == 'TCP RST' and 'TLS CertificateRequest' in rows, rows
EOF

# Certificate files: the server certificate against the trusted CA list,
# self-signed ones, dates judged at the evidence's newest time only.
pem() { # NAME WANT FILE...
	local name=$1 want=$2; shift 2
	"$XW" diagnose --json -q "$@" > "$T/$name.json" 2> "$T/$name.err"
	local got; got=$(findings "$T/$name.json")
	[ "$got" = "$want" ] && ok "pem-$name" || fail "pem-$name" "want '$want', got '$got'"
}
pem chain-lacks-issuing tls-chain-incomplete "$CERT/e-server.pem" "$CERT/e-trusted-ca-no-issuing.pem"
pem chain-complete "" "$CERT/e-server.pem" "$CERT/e-trusted-ca.pem"
pem self-signed tls-self-signed-cert "$CERT/e-selfsigned.pem"
pem expired-alone "" "$CERT/e-server-expired.pem"
pem expired-with-capture cert-expired "$CERT/e-server-expired.pem" "$CAP/tls-healthy-outbound.pcap"
grep -q '"line":1' "$T/expired-with-capture.json" && ok pem-evidence-line || fail pem-evidence-line

# The pcap export keeps the captured packets and their times.
if command -v tshark > /dev/null; then
	"$XW" export --format pcap --call 1 -o "$T/split.pcap" -q "$CAP/sip-tcp-split.pcap"
	n=$(tshark -r "$T/split.pcap" -Y sip 2>/dev/null | wc -l)
	[ "$n" = 7 ] && ok export-pcap-sip || fail export-pcap-sip "$n SIP frames"
	a=$(tshark -r "$CAP/sip-tcp-split.pcap" -T fields -e frame.time_epoch -Y 'frame.number == 10' 2>/dev/null)
	b=$(tshark -r "$T/split.pcap" -T fields -e frame.time_epoch -c 1 2>/dev/null)
	[ "${a:0:17}" = "${b:0:17}" ] && ok export-pcap-time || fail export-pcap-time "$a vs $b"
fi

# Cut short, mangled: read up to the damage, never fatal.
head -c 3000 "$CAP/sip-udp-call.pcap" > "$T/cut.pcap"
"$XW" list --json "$T/cut.pcap" > "$T/cut.json" 2> "$T/cut.err"; rc=$?
[ $rc -eq 0 ] && ok cut-capture-read || fail cut-capture-read "rc=$rc"
contains cut-capture-reported "$T/cut.err" 'read up to packet [0-9]+'
python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d[:24]+bytes(b ^ 0x5a for b in d[24:]))' \
	"$CAP/sip-tcp-split.pcap" > "$T/noise.pcap"
"$XW" diagnose -q "$T/noise.pcap" > /dev/null 2> "$T/noise.err"; rc=$?
# nothing of it reads as a packet on a SIP port: no usable input (exit 2), said
[ $rc -eq 2 ] && ok noise-capture || fail noise-capture "rc=$rc"
contains noise-capture-said "$T/noise.err" 'nothing usable in the input: .*noise\.pcap: packet capture'

# A capture's account counts SIP messages (it has no SIPMSG blocks or INFO
# summaries); a packet time past 2262 is held, not overflowed.
"$XW" list --all tests/data/regress/pcapng-time-past-2262.pcapng > "$T/late.list" 2> "$T/late.err"
contains capture-account-words "$T/late.err" ': read [0-9]+ of [0-9]+ SIP messages; the rest are reported above$'
lacks capture-account-no-info "$T/late.err" 'SIPMSG|INFO summaries'
