#!/usr/bin/env bash
# mkcaptures.sh - make the packet captures of tests/data/captures/ and the
# certificates of tests/data/certs/ they carry: real traffic between network
# namespaces (Expressway-E, Webex L2SIP, Expressway-C, Unified CM), one case
# of the Hybrid Call guide per file. Run by hand (as root), never by CI:
#     sudo tests/tools/mkcaptures.sh [CASE...]      (no CASE: all of them)
# It ends with tests/tools/checkcaptures.sh --write, which fails when a capture
# does not show its case and rewrites the table of tests/data/captures/README.md
# (review its diff: frame numbers can move by one or two between runs).
#
# What it makes
#   tests/data/certs/*.pem       CAs, leaves, chains, the E's trusted CA lists;
#                                keys/ holds their throwaway keys (kept so that
#                                a new run signs byte-identical certificates:
#                                only e-server-expiring.pem follows the date)
#   tests/data/captures/*.pcap*  see README.md there for the table
# Topology (addresses of the project's examples/):
#   xw-e  Expressway-E outside 172.16.2.2/32, dev e0   --veth--  xw-wx  Webex
#         L2SIP 146.20.193.45/.64/.70/.73 (/32), dev wx0; mutual TLS on 5062
#   xw-c  Expressway-C 192.168.1.5/24, 2001:db8:1::5/64, dev c0  --veth--
#   xw-cm Unified CM 192.168.1.21/24, 2001:db8:1::21/64, dev cm0; SIP 5060/5065
# The kernel here has no netem, no gact and no 802.1Q module, so
# tests/tools/xwbpf.c (tc cls_bpf direct-action) drops SYNs on ingress and
# pushes/pops VLAN tags, and sipgen.py builds the out-of-order TCP segments.
#
# What it needs: root (ip netns), iproute2 (ip, tc), tcpdump, dumpcap and
# tshark (Debian: tcpdump, wireshark-common, tshark), openssl, cc with
# libssl-dev, clang (BPF target), python3. Every namespace is removed on exit,
# failure included. Deterministic where it can be: fixed MACs, addresses,
# ports, keys, serials, dates and message bytes; ISNs, TLS randoms and
# timestamps are the kernel's and OpenSSL's.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
tools=$top/tests/tools
certs=$top/tests/data/certs
keys=$certs/keys
out=$top/tests/data/captures
work=$(mktemp -d /tmp/xwcap.XXXXXX)
NSS=(xw-e xw-wx xw-c xw-cm)
CAPPID=""

cleanup() {
	[ -n "$CAPPID" ] && kill -INT "$CAPPID" 2>/dev/null && wait "$CAPPID" 2>/dev/null
	for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "mkcaptures: $*" >&2; exit 1; }
say() { echo "mkcaptures: $*" >&2; }

need() {
	[ "$(id -u)" = 0 ] || die "run as root (ip netns)"
	for t in ip tc tcpdump dumpcap tshark openssl cc clang python3; do
		command -v "$t" >/dev/null || die "missing $t"
	done
}

build() {
	cc -O2 -Wall -Wextra -o "$work/tlspeer" "$tools/tlspeer.c" -lssl -lcrypto
	local inc
	inc=/usr/include/$(cc -dumpmachine)
	for p in 5060 5062; do
		clang -O2 -target bpf -I"$inc" -DXW_PORT=$p -DXW_VID=100 \
			-c "$tools/xwbpf.c" -o "$work/xwbpf-$p.o"
	done
	python3 "$tools/sipgen.py" tlsmsg "$work"
}

# ---------------------------------------------------------------- certificates
# mkcerts EXPIRING: every certificate; e-server-expiring.pem only when
# EXPIRING is 1 (cert-expiring.pcap is being made) or it does not exist.

# key NAME: keys/NAME.key.pem, made once and then kept.
key() {
	[ -f "$keys/$1.key.pem" ] ||
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
			-out "$keys/$1.key.pem" 2>/dev/null
}

ca_conf() {
	cat >"$work/ca.cnf" <<-EOF
	[ ca ]
	default_ca = xw
	[ xw ]
	database = $work/ca/index.txt
	new_certs_dir = $work/ca
	serial = $work/ca/serial
	default_md = sha256
	policy = pol
	unique_subject = no
	email_in_dn = no
	[ pol ]
	countryName = optional
	stateOrProvinceName = optional
	localityName = optional
	organizationName = optional
	organizationalUnitName = optional
	commonName = supplied
	[ root ]
	basicConstraints = critical,CA:TRUE
	keyUsage = critical,keyCertSign,cRLSign
	subjectKeyIdentifier = hash
	[ ica ]
	basicConstraints = critical,CA:TRUE,pathlen:0
	keyUsage = critical,keyCertSign,cRLSign
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	[ leaf ]
	basicConstraints = CA:FALSE
	keyUsage = critical,digitalSignature,keyEncipherment
	extendedKeyUsage = serverAuth,clientAuth
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid
	subjectAltName = \${ENV::XW_SAN}
	[ selfleaf ]
	basicConstraints = CA:FALSE
	keyUsage = critical,digitalSignature,keyEncipherment
	extendedKeyUsage = serverAuth,clientAuth
	subjectKeyIdentifier = hash
	EOF
	mkdir -p "$work/ca"
	: >"$work/ca/index.txt"
}

# sign OUT KEY SUBJECT EXT SERIAL START END [ISSUER]: certs/OUT.pem signed by
# ISSUER (certs/ISSUER.pem with keys/ISSUER's key), or self-signed.
sign() {
	local out=$1 k=$2 subj=$3 ext=$4 serial=$5 start=$6 end=$7 iss=${8:-}
	key "$k"
	openssl req -new -key "$keys/$k.key.pem" -subj "$subj" -out "$work/req.csr"
	echo "$serial" >"$work/ca/serial"
	if [ -n "$iss" ]; then
		set -- -cert "$certs/$iss.pem" -keyfile "$keys/$iss.key.pem"
	else
		set -- -selfsign -keyfile "$keys/$k.key.pem"
	fi
	openssl ca -batch -notext -config "$work/ca.cnf" -preserveDN "$@" \
		-in "$work/req.csr" -out "$certs/$out.pem" -extensions "$ext" \
		-startdate "$start" -enddate "$end" 2>"$work/ca.log" ||
		{ cat "$work/ca.log" >&2; die "cannot sign $out"; }
}

WEBEX_SANS=(l2sip-cfa-01.ciscospark.com l2sip-cfa-01.wbx2.com l2sip-cfa-01-web.wbx2.com
l2sip-cfa-web.wbx2.com callservice.ciscospark.com callservice.call.ciscospark.com
l2sip-a-Webexcall.ciscospark.com l2sip-prod-11-dfw-public.wbx2.com
l2sip-prod-12-dfw-public.wbx2.com l2sip-l2sipproda1-294-riad-public.wbx2.com
l2sip-l2sipproda1-817-riad-public.wbx2.com l2sip-l2sip-prod-wpsjc-web.ciscospark.com
l2sip-l2sip-prod-wpsjc-web.wbx2.com l2sip-l2sip-prod-wpdfw-web.ciscospark.com
l2sip-l2sip-prod-wpdfw-web.wbx2.com l2sip-cfa-02.wbx2.com Webexcmr-wpa.ciscospark.com
Webexcmr-wpb.ciscospark.com Webexcmr-wpc.ciscospark.com l2sip-wpa-01.wbx2.com
l2sip-wpa-02.wbx2.com l2sip-wpb-01.wbx2.com l2sip-wpb-02.wbx2.com l2sip-wpc-01.wbx2.com
l2sip-wpc-02.wbx2.com)

# san NAME...: the subjectAltName value listing DNS:NAME for each NAME.
san() { local s="" n; for n in "$@"; do s="$s${s:+,}DNS:$n"; done; echo "$s"; }

mkcerts() {
	mkdir -p "$certs" "$keys"
	ca_conf
	export XW_SAN=DNS:unused # read by every [ leaf ] signing, set per leaf below
	local o_e="/C=US/ST=North Carolina/L=RTP/O=XW Test Customer" o_w="/C=US/ST=California/L=San Jose/O=XW Test Webex stand-in"
	local ee="/C=US/O=XW Test Public CA Inc." wx="/C=BM/O=XW Test QuoVadis stand-in"
	local soon_start soon_end
	soon_start=$(date -u -d '-351 days' +%Y%m%d000000Z)
	soon_end=$(date -u -d '+14 days' +%Y%m%d000000Z)
	# the "public" CA that signs the E, and Webex's own hierarchy
	sign xw-root-ca xw-root-ca "$ee/CN=XW Test Root CA" root 1001 20200101000000Z 20450101000000Z
	sign xw-issuing-ca xw-issuing-ca "$ee/CN=XW Test Issuing CA 1" ica 1002 20200601000000Z 20400101000000Z xw-root-ca
	sign webex-root-ca webex-root-ca "$wx/CN=QuoVadis Root CA 2" root 2001 20200101000000Z 20450101000000Z
	sign webex-hydrant-ica webex-hydrant-ica "/C=US/O=XW Test Hydrant stand-in/CN=Hydrant SSL ICA G2" ica 2002 20200601000000Z 20400101000000Z webex-root-ca
	# the E: leaf with host name and verified domain, expired, expiring, default
	XW_SAN=$(san amer-expressway01.ciscotac.net rtp.ciscotac.net) \
		sign e-server e-server "$o_e/CN=amer-expressway01.ciscotac.net" leaf 3001 20240101000000Z 20340101000000Z xw-issuing-ca
	XW_SAN=$(san amer-expressway01.ciscotac.net rtp.ciscotac.net) \
		sign e-server-expired e-server "$o_e/CN=amer-expressway01.ciscotac.net" leaf 3002 20220101000000Z 20230101000000Z xw-issuing-ca
	# dated from today: remade only with the capture that shows it
	if [ "$1" = 1 ] || [ ! -f "$certs/e-server-expiring.pem" ]; then
		XW_SAN=$(san amer-expressway01.ciscotac.net rtp.ciscotac.net) \
			sign e-server-expiring e-server "$o_e/CN=amer-expressway01.ciscotac.net" leaf 3003 "$soon_start" "$soon_end" xw-issuing-ca
	fi
	sign e-selfsigned e-selfsigned "/O=Temporary Certificate 4f7a9c3e-2b1d-4e8a-9c6f-1d2e3f4a5b6c/OU=Temporary Certificate 4f7a9c3e-2b1d-4e8a-9c6f-1d2e3f4a5b6c/CN=amer-expressway01" \
		selfleaf 3004 20240101000000Z 20340101000000Z
	# Webex L2SIP: 25 SANs; without callservice.ciscospark.com; expired
	local nocs=() n
	for n in "${WEBEX_SANS[@]}"; do [ "$n" = callservice.ciscospark.com ] || nocs+=("$n"); done
	XW_SAN=$(san "${WEBEX_SANS[@]}") sign webex-l2sip webex-l2sip "$o_w/CN=l2sip-cfa-01.ciscospark.com" leaf 4001 20240101000000Z 20340101000000Z webex-hydrant-ica
	XW_SAN=$(san "${nocs[@]}") sign webex-l2sip-no-callservice webex-l2sip "$o_w/CN=l2sip-cfa-01.ciscospark.com" leaf 4002 20240101000000Z 20340101000000Z webex-hydrant-ica
	XW_SAN=$(san "${WEBEX_SANS[@]}") sign webex-l2sip-expired webex-l2sip "$o_w/CN=l2sip-cfa-01.ciscospark.com" leaf 4003 20220101000000Z 20230101000000Z webex-hydrant-ica
	# what each side sends and trusts; the E keeps its trusted CAs as PEMs
	# appended one after the other, and builds the chain it sends from them
	cat "$certs/webex-hydrant-ica.pem" "$certs/webex-root-ca.pem" >"$certs/webex-chain.pem"
	cat "$certs/xw-root-ca.pem" "$certs/xw-issuing-ca.pem" "$certs/webex-root-ca.pem" \
		"$certs/webex-hydrant-ica.pem" >"$certs/e-trusted-ca.pem"
	cat "$certs/xw-root-ca.pem" "$certs/xw-issuing-ca.pem" >"$certs/e-trusted-ca-no-webex.pem"
	cat "$certs/xw-root-ca.pem" "$certs/webex-root-ca.pem" "$certs/webex-hydrant-ica.pem" \
		>"$certs/e-trusted-ca-no-issuing.pem"
	cp "$certs/xw-root-ca.pem" "$certs/webex-trusted-ca.pem"
}

# ---------------------------------------------------------------- namespaces

# veth NS1 IF1 MAC1 NS2 IF2 MAC2: a veth pair between two namespaces. No
# GSO, so a capture shows wire-sized segments as a NIC would, not 64 KB ones.
veth() {
	ip link add "$2" netns "$1" address "$3" type veth peer name "$5" netns "$4" address "$6"
	ip -n "$1" link set "$2" gso_max_segs 1 gso_max_size 1500
	ip -n "$4" link set "$5" gso_max_segs 1 gso_max_size 1500
}

# v6off NS: no IPv6 at all (no link-local chatter in IPv4-only captures).
v6off() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }

# v6quiet NS IF: IPv6 without DAD and router solicitations.
v6quiet() { ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0" "net.ipv6.conf.$2.router_solicitations=0"; }

mknet() {
	for n in "${NSS[@]}"; do ip netns add "$n"; ip -n "$n" link set lo up; done
	v6off xw-e; v6off xw-wx
	# SYN retransmissions backing off 1, 2, 4 s as on the Expressway's kernel,
	# not this kernel's first four at 1 s intervals
	for n in "${NSS[@]}"; do ip netns exec "$n" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0; done
	veth xw-e e0 00:50:56:a1:02:02 xw-wx wx0 00:00:0c:07:ac:0a
	ip -n xw-e addr add 172.16.2.2/32 dev e0
	for a in 45 64 70 73; do ip -n xw-wx addr add 146.20.193.$a/32 dev wx0; done
	ip -n xw-e link set e0 up; ip -n xw-wx link set wx0 up
	ip -n xw-e route add 146.20.193.0/24 dev e0
	ip -n xw-wx route add 172.16.2.2/32 dev wx0
	veth xw-c c0 00:50:56:a1:01:05 xw-cm cm0 00:50:56:a1:01:21
	v6quiet xw-c c0; v6quiet xw-cm cm0
	ip -n xw-c addr add 192.168.1.5/24 dev c0
	ip -n xw-c addr add 2001:db8:1::5/64 dev c0 nodad
	ip -n xw-cm addr add 192.168.1.21/24 dev cm0
	ip -n xw-cm addr add 2001:db8:1::21/64 dev cm0 nodad
	ip -n xw-c link set c0 up; ip -n xw-cm link set cm0 up
	sleep 3 # let MLD reports of the link-up pass before any capture
}

# bpf NS IF DIR OBJ SEC | bpf NS IF off: attach (or remove) a cls_bpf program.
bpf() {
	if [ "$3" = off ]; then ip netns exec "$1" tc qdisc del dev "$2" clsact; return; fi
	ip netns exec "$1" tc qdisc add dev "$2" clsact 2>/dev/null || true
	ip netns exec "$1" tc filter add dev "$2" "$3" bpf da obj "$work/$4" sec "$5"
}

# ---------------------------------------------------------------- capture

# cap_start NS IF FILE HOW: start capturing IF (or "any") of NS into FILE;
# HOW is tcpdump, tcpdump-nano, sll, sll2 (tcpdump -i any) or dumpcap.
# Immediate mode keeps one ring slot per snaplen-sized frame: the default 2 MB
# buffer holds 8 of them and drops the 9th of a burst, hence -B.
cap_start() {
	local ns=$1 ifc=$2 file=$3 how=$4 log=$work/cap.log
	: >"$log"
	for n in "${NSS[@]}"; do ip -n "$n" neigh flush all 2>/dev/null || true; done
	case $how in
	tcpdump) set -- tcpdump -Z root -U --immediate-mode -B 32768 -s 0 -i "$ifc" -w "$file" ;;
	tcpdump-nano) set -- tcpdump -Z root -U --immediate-mode -B 32768 -s 0 -i "$ifc" --time-stamp-precision=nano -w "$file" ;;
	sll) set -- tcpdump -Z root -U --immediate-mode -B 32768 -s 0 -i any -y LINUX_SLL -w "$file" ;;
	sll2) set -- tcpdump -Z root -U --immediate-mode -B 32768 -s 0 -i any -y LINUX_SLL2 -w "$file" ;;
	dumpcap) set -- dumpcap -i "$ifc" -B 32 -s 0 -w "$file" ;;
	esac
	ip netns exec "$ns" "$@" 2>"$log" &
	CAPPID=$!
	for _ in $(seq 50); do
		grep -qE "listening on|^File: " "$log" && break
		sleep 0.1
	done
	grep -qE "listening on|^File: " "$log" || { cat "$log" >&2; die "capture did not start"; }
	sleep 0.3
}

# cap_stop: stop the capture; fails when the kernel dropped a frame of it.
cap_stop() {
	sleep 1.5 # a capture stopped at once can lose the frames of its last second
	kill -INT "$CAPPID"
	wait "$CAPPID" || true
	CAPPID=""
	if grep -Eq "^[1-9][0-9]* packets? dropped by kernel|dropped on interface .*: [0-9]+/[1-9]" "$work/cap.log"; then
		cat "$work/cap.log" >&2
		die "the capture lost frames"
	fi
}

# ---------------------------------------------------------------- TLS peers

E_CERT=(--cert "$certs/e-server.pem" --key "$keys/e-server.key.pem")
W_CERT=(--cert "$certs/webex-l2sip.pem" --key "$keys/webex-l2sip.key.pem" --chain "$certs/webex-chain.pem")

# expect WHAT WANT GOT: fail when an exit status is not the one planned.
expect() { [ "$2" = "$3" ] || { cat "$work"/peer.*.err >&2; die "$1 exited $3, expected $2"; }; }

# tls_pair CASE SRV_NS SRV_RC CLI_NS CLI_RC -- SERVER ARGS -- CLIENT ARGS
tls_pair() {
	local name=$1 sns=$2 src=$3 cns=$4 crc=$5 rc; shift 5
	local sargs=() cargs=()
	shift # --
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	cargs=("$@")
	ip netns exec "$sns" "$work/tlspeer" --server "${sargs[@]}" >"$work/peer.srv.out" 2>"$work/peer.srv.err" &
	local spid=$!
	for _ in $(seq 50); do grep -q listening "$work/peer.srv.out" && break; sleep 0.1; done
	rc=0; ip netns exec "$cns" "$work/tlspeer" --client "${cargs[@]}" 2>"$work/peer.cli.err" || rc=$?
	expect "$name client" "$crc" "$rc"
	rc=0; wait "$spid" || rc=$?
	expect "$name server" "$src" "$rc"
	sed "s/^/  $name server: /" "$work/peer.srv.err" >&2
	sed "s/^/  $name client: /" "$work/peer.cli.err" >&2
}

# inbound CASE HOW SRV_RC CLI_RC WEBEX_IP:PORT -- E ARGS -- WEBEX ARGS
inbound() {
	local name=$1 how=$2 src=$3 crc=$4 w=$5; shift 5
	cap_start xw-e e0 "$work/$name" "$how"
	tls_pair "$name" xw-e "$src" xw-wx "$crc" -- --addr 172.16.2.2 --port 5062 "${@:2}" \
		--src "${w%:*}" --sport "${w#*:}" --addr 172.16.2.2 --port 5062 \
		--sni amer-expressway01.ciscotac.net
	cap_stop
}

# outbound CASE HOW SRV_RC CLI_RC WEBEX_IP E_PORT -- WEBEX ARGS -- E ARGS
outbound() {
	local name=$1 how=$2 src=$3 crc=$4 w=$5 p=$6; shift 6
	cap_start xw-e e0 "$work/$name" "$how"
	tls_pair "$name" xw-wx "$src" xw-e "$crc" -- --addr "$w" --port 5062 "${@:2}" \
		--src 172.16.2.2 --sport "$p" --addr "$w" --port 5062 --sni callservice.ciscospark.com
	cap_stop
}

E_SRV=(--verify --ca "$certs/e-trusted-ca.pem" --tls 12)
W_CLI=(--verify --ca "$certs/webex-trusted-ca.pem" --tls 12)

case_tls-untrusted-ca() {
	inbound tls-untrusted-ca.pcap tcpdump 3 3 146.20.193.73:58531 \
		-- "${E_CERT[@]}" --verify --ca "$certs/e-trusted-ca-no-webex.pem" --tls 12 \
		-- "${W_CERT[@]}" "${W_CLI[@]}" --send "$work/options-w2e.sip"
}
case_tls-identity-unacceptable() {
	inbound tls-identity-unacceptable.pcap tcpdump 4 6 146.20.193.45:46049 \
		-- "${E_CERT[@]}" "${E_SRV[@]}" --require-san callservice.ciscospark.com \
		-- --cert "$certs/webex-l2sip-no-callservice.pem" --key "$keys/webex-l2sip.key.pem" \
		--chain "$certs/webex-chain.pem" "${W_CLI[@]}" --send "$work/options-w2e.sip"
}
case_tls-identity-typo() {
	inbound tls-identity-typo.pcap tcpdump 4 6 146.20.193.45:44205 \
		-- "${E_CERT[@]}" "${E_SRV[@]}" --require-san calllservice.ciscospark.com \
		-- "${W_CERT[@]}" "${W_CLI[@]}" --send "$work/options-w2e.sip"
}
case_tls-chain-incomplete() {
	inbound tls-chain-incomplete.pcap tcpdump 3 3 146.20.193.45:33441 \
		-- "${E_CERT[@]}" --verify --ca "$certs/e-trusted-ca-no-issuing.pem" --tls 12 \
		-- "${W_CERT[@]}" "${W_CLI[@]}" --fail-alert certificate_unknown --send "$work/options-w2e.sip"
}
case_tls-firewall-reset() {
	outbound tls-firewall-reset.pcap tcpdump 4 3 146.20.193.70 28351 \
		-- "${W_CERT[@]}" --verify --ca "$certs/webex-trusted-ca.pem" --tls 12 --rst-on-peer-cert \
		-- "${E_CERT[@]}" "${E_SRV[@]}" --send "$work/options-e2w.sip"
}
case_tls-controlhub-cert() {
	inbound tls-controlhub-cert.pcap tcpdump 3 3 146.20.193.45:48520 \
		-- "${E_CERT[@]}" "${E_SRV[@]}" \
		-- "${W_CERT[@]}" "${W_CLI[@]}" --reject --fail-alert certificate_unknown --send "$work/options-w2e.sip"
}
case_tls-self-signed-cert() {
	inbound tls-self-signed-cert.pcap tcpdump 3 3 146.20.193.45:59720 \
		-- --cert "$certs/e-selfsigned.pem" --key "$keys/e-selfsigned.key.pem" "${E_SRV[@]}" \
		-- "${W_CERT[@]}" "${W_CLI[@]}" --fail-alert certificate_unknown --send "$work/options-w2e.sip"
}
case_cert-expired-webex() {
	inbound cert-expired-webex.pcap tcpdump 3 3 146.20.193.64:40112 \
		-- "${E_CERT[@]}" "${E_SRV[@]}" \
		-- --cert "$certs/webex-l2sip-expired.pem" --key "$keys/webex-l2sip.key.pem" \
		--chain "$certs/webex-chain.pem" "${W_CLI[@]}" --send "$work/options-w2e.sip"
}
case_cert-expired-e() {
	outbound cert-expired-e.pcap tcpdump 3 3 146.20.193.64 25390 \
		-- "${W_CERT[@]}" --verify --ca "$certs/webex-trusted-ca.pem" --tls 12 \
		-- --cert "$certs/e-server-expired.pem" --key "$keys/e-server.key.pem" "${E_SRV[@]}" \
		--send "$work/options-e2w.sip"
}
case_cert-expiring() {
	inbound cert-expiring.pcap tcpdump 0 0 146.20.193.73:46210 \
		-- --cert "$certs/e-server-expiring.pem" --key "$keys/e-server.key.pem" "${E_SRV[@]}" \
		--require-san callservice.ciscospark.com --reply "$work/ok-w2e.sip" \
		-- "${W_CERT[@]}" "${W_CLI[@]}" --send "$work/options-w2e.sip"
}
case_tls-healthy-inbound() {
	inbound tls-healthy-inbound.pcapng dumpcap 0 0 146.20.193.73:46202 \
		-- "${E_CERT[@]}" "${E_SRV[@]}" --require-san callservice.ciscospark.com \
		--reply "$work/ok-w2e.sip" \
		-- "${W_CERT[@]}" "${W_CLI[@]}" --send "$work/options-w2e.sip"
}
case_tls-healthy-outbound() {
	outbound tls-healthy-outbound.pcap tcpdump 0 0 146.20.193.70 25385 \
		-- "${W_CERT[@]}" --verify --ca "$certs/webex-trusted-ca.pem" --tls 12 \
		--reply "$work/ok-e2w.sip" \
		-- "${E_CERT[@]}" "${E_SRV[@]}" --require-san callservice.ciscospark.com \
		--send "$work/options-e2w.sip"
}
case_tls13-healthy-inbound() {
	inbound tls13-healthy-inbound.pcap sll2 0 0 146.20.193.73:46230 \
		-- "${E_CERT[@]}" --verify --ca "$certs/e-trusted-ca.pem" --tls 13 \
		--require-san callservice.ciscospark.com --reply "$work/ok-w2e.sip" \
		-- "${W_CERT[@]}" --verify --ca "$certs/webex-trusted-ca.pem" --tls 13 \
		--send "$work/options-w2e.sip"
}

# ---------------------------------------------------------------- TCP failures

# connect_fail NS RC ARGS...: a TLS client whose TCP connect must fail.
connect_fail() {
	local ns=$1 want=$2 rc=0; shift 2
	ip netns exec "$ns" "$work/tlspeer" --client "$@" 2>"$work/peer.cli.err" || rc=$?
	sed "s/^/  connect: /" "$work/peer.cli.err" >&2
	expect "connect" "$want" "$rc"
}

case_tcp-not-listening() {
	cap_start xw-e any "$work/tcp-not-listening.pcap" sll
	connect_fail xw-wx 5 --src 146.20.193.73 --sport 58540 --addr 172.16.2.2 --port 5062
	sleep 1
	connect_fail xw-wx 5 --src 146.20.193.64 --sport 58541 --addr 172.16.2.2 --port 5062
	cap_stop
}
case_tcp-refused-out() {
	cap_start xw-e e0 "$work/tcp-refused-out.pcap" tcpdump
	connect_fail xw-e 5 --src 172.16.2.2 --sport 28370 --addr 146.20.193.70 --port 5062
	cap_stop
}
case_tcp-syn-unanswered-in() {
	bpf xw-e e0 ingress xwbpf-5062.o drop
	cap_start xw-e e0 "$work/tcp-syn-unanswered-in.pcap" tcpdump
	connect_fail xw-wx 5 --src 146.20.193.73 --sport 58550 --addr 172.16.2.2 --port 5062 --syn-count 3
	cap_stop
	bpf xw-e e0 off
}
case_tcp-syn-unanswered-out() {
	bpf xw-wx wx0 ingress xwbpf-5062.o drop
	cap_start xw-e e0 "$work/tcp-syn-unanswered-out.pcap" tcpdump
	connect_fail xw-e 5 --src 172.16.2.2 --sport 28360 --addr 146.20.193.70 --port 5062 --syn-count 3
	cap_stop
	bpf xw-wx wx0 off
}

# ---------------------------------------------------------------- SIP cleartext

CM4=192.168.1.21 C4=192.168.1.5 CM6=2001:db8:1::21 C6=2001:db8:1::5

# sip TAG ARGS...: one sipgen.py call.
sip() { python3 "$tools/sipgen.py" call --tag "$@" || die "sipgen $1 failed"; }

case_sip-udp-call() {
	cap_start xw-c c0 "$work/sip-udp-call.pcap" tcpdump
	sip sip-udp-call --transport udp --uac xw-cm,$CM4,5060 --uas xw-c,$C4,5060
	cap_stop
}
case_sip-tcp-call() {
	cap_start xw-c c0 "$work/sip-tcp-call.pcap" tcpdump
	sip sip-tcp-call --transport tcp --uac xw-cm,$CM4,5060 --uas xw-c,$C4,5060
	cap_stop
}
case_sip-tcp-coalesced() {
	cap_start xw-c c0 "$work/sip-tcp-coalesced.pcap" tcpdump
	SIPGEN_SPORT=51240 sip sip-tcp-coalesced --transport tcp --mode coalesce \
		--uac xw-cm,$CM4,5060 --uas xw-c,$C4,5060
	cap_stop
}
case_sip-tcp-split() {
	cap_start xw-c c0 "$work/sip-tcp-split.pcap" tcpdump-nano
	SIPGEN_SPORT=51250 sip sip-tcp-split --transport tcp --mode split \
		--uac xw-cm,$CM4,5060 --uas xw-c,$C4,5060
	cap_stop
}
case_sip-tcp-reorder() {
	bpf xw-cm cm0 ingress xwbpf-5060.o drop
	cap_start xw-c c0 "$work/sip-tcp-reorder.pcap" tcpdump
	sip sip-tcp-reorder --transport tcp --mode reorder --uac xw-cm,$CM4,51260 \
		--uas xw-c,$C4,5060 --ifname cm0 --mac 00:50:56:a1:01:21,00:50:56:a1:01:05 \
		< /dev/null
	cap_stop
	bpf xw-cm cm0 off
}
case_sip-ipv6() {
	cap_start xw-c c0 "$work/sip-ipv6.pcapng" dumpcap
	sip sip-ipv6-udp --transport udp --uac xw-cm,$CM6,5060 --uas xw-c,$C6,5060
	SIPGEN_SPORT=51270 sip sip-ipv6-tcp --transport tcp --uac xw-cm,$CM6,5060 --uas xw-c,$C6,5060
	cap_stop
}
case_sip-udp-vlan() {
	bpf xw-c c0 egress xwbpf-5060.o vlan_push; bpf xw-c c0 ingress xwbpf-5060.o vlan_pop
	bpf xw-cm cm0 egress xwbpf-5060.o vlan_push; bpf xw-cm cm0 ingress xwbpf-5060.o vlan_pop
	cap_start xw-c c0 "$work/sip-udp-vlan.pcap" tcpdump
	sip sip-udp-vlan --transport udp --uac xw-cm,$CM4,5060 --uas xw-c,$C4,5060
	cap_stop
	bpf xw-c c0 off; bpf xw-cm cm0 off
}
case_sip-tcp-sll() {
	# the C calls Unified CM on its trunk port 5065 (examples/ topology)
	cap_start xw-c any "$work/sip-tcp-sll.pcap" sll
	SIPGEN_SPORT=25858 sip sip-tcp-sll --transport tcp --uac xw-c,$C4,25858 --uas xw-cm,$CM4,5065
	cap_stop
}

ALL="tls-untrusted-ca tls-identity-unacceptable tls-identity-typo tls-chain-incomplete
tls-firewall-reset tls-controlhub-cert tls-self-signed-cert cert-expired-webex cert-expired-e
cert-expiring tls-healthy-inbound tls-healthy-outbound tls13-healthy-inbound
tcp-not-listening tcp-refused-out tcp-syn-unanswered-in tcp-syn-unanswered-out
sip-udp-call sip-tcp-call sip-tcp-coalesced sip-tcp-split sip-tcp-reorder sip-ipv6
sip-udp-vlan sip-tcp-sll"

main() {
	need
	local cases=${*:-$ALL} c f
	for c in $cases; do declare -F "case_$c" >/dev/null || die "no case $c"; done
	build
	case " ${cases//$'\n'/ } " in *" cert-expiring "*) mkcerts 1 ;; *) mkcerts 0 ;; esac
	mknet
	mkdir -p "$out"
	for c in $cases; do
		say "$c"
		"case_$c"
	done
	for f in "$work"/*.pcap "$work"/*.pcapng; do
		[ -e "$f" ] && cp "$f" "$out/"
	done
	say "done: $cases"
	"$tools/checkcaptures.sh" --write
}

main "$@"
