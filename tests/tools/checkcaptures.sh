#!/usr/bin/env bash
# checkcaptures.sh [--write] - prove with tshark that every capture of
# tests/data/captures/ still says what its README.md table says.
#
# For each capture it derives one table row from tshark's own dissection:
# link type and file format, IP versions, the key packets by frame number
# (SYNs, RSTs, TLS Certificate messages with their certificate count, TLS
# alerts, all with direction), the negotiated TLS version, the encrypted
# application data records per direction, and the SIP messages `tshark -Y sip`
# sees with their Call-IDs. It then checks
#   1. that the row shows the fault of its case (a pattern per case below,
#      e.g. tls-untrusted-ca: a Certificate from Webex, then an unknown_ca
#      alert from the E), and
#   2. that the row is exactly the row in README.md (between the table marks).
# --write replaces the README rows by the derived ones (after mkcaptures.sh),
# still failing when a capture does not show its case.
# Needs tshark and capinfos (Debian: tshark). Exit 0 when every check passed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/tests/data/captures
readme=$dir/README.md
write=0
[ "${1:-}" = --write ] && write=1

# file @ case (guide issue) @ expected finding @ extra tshark options @ pattern
# that the derived "key packets | SIP" must match
CASES='tls-untrusted-ca.pcap@untrusted CA (inbound Issue 1)@tls-untrusted-ca@@Certificate [0-9]+ E>W \(3: 3001,1002,1001\); Certificate [0-9]+ W>E \(3: 4001,2002,2001\); Alert [0-9]+ E>W unknown_ca\(48\)
tls-identity-unacceptable.pcap@identity unacceptable: no callservice.ciscospark.com SAN (Issue 2)@tls-identity-unacceptable@@Certificate [0-9]+ W>E \(3: 4002,2002,2001\); RST [0-9]+ E>W; AppData W>E 1, E>W 0; TLS 1.2 \| 0$
tls-identity-typo.pcap@identity unacceptable: E checks calllservice.ciscospark.com (Issue 2/6)@tls-identity-unacceptable@@Certificate [0-9]+ W>E \(3: 4001,2002,2001\); RST [0-9]+ E>W; AppData W>E 1, E>W 0; TLS 1.2 \| 0$
tls-chain-incomplete.pcap@E sends only its leaf (Issue 3)@tls-chain-incomplete@@Certificate [0-9]+ E>W \(1: 3001\); Alert [0-9]+ W>E certificate_unknown\(46\)
tls-firewall-reset.pcap@firewall resets the handshake, outbound (Issue 4)@tls-firewall-reset@@SYN [0-9]+ E>W; Certificate [0-9]+ W>E \(3: 4001,2002,2001\); Certificate [0-9]+ E>W \(3: 3001,1002,1001\); RST [0-9]+ W>E; TLS 1.2 \| 0$
tls-controlhub-cert.pcap@full public chain, Control Hub holds other certs (Issue 5)@tls-controlhub-cert@@Certificate [0-9]+ E>W \(3: 3001,1002,1001\); Alert [0-9]+ W>E certificate_unknown\(46\)
tls-self-signed-cert.pcap@E presents its self-signed default certificate (Issue 7)@tls-self-signed-cert@@Certificate [0-9]+ E>W \(1: 3004\); Alert [0-9]+ W>E certificate_unknown\(46\)
cert-expired-webex.pcap@Webex presents an expired certificate@cert-expired@@Certificate [0-9]+ W>E \(3: 4003,2002,2001\); Alert [0-9]+ E>W certificate_expired\(45\)
cert-expired-e.pcap@E presents an expired certificate, outbound@cert-expired@@Certificate [0-9]+ E>W \(3: 3002,1002,1001\); Alert [0-9]+ W>E certificate_expired\(45\)
cert-expiring.pcap@healthy, but the E certificate expires 14 days after the capture was made@cert-expiring@@Certificate [0-9]+ E>W \(3: 3003,1002,1001\); Certificate [0-9]+ W>E \(3: 4001,2002,2001\);.*AppData W>E 1, E>W 1; TLS 1.2 \| 0$
tls-healthy-inbound.pcapng@healthy mutual TLS, inbound@none@@Certificate [0-9]+ E>W \(3: 3001,1002,1001\); Certificate [0-9]+ W>E \(3: 4001,2002,2001\);.*AppData W>E 1, E>W 1; TLS 1.2 \| 0$
tls-healthy-outbound.pcap@healthy mutual TLS, outbound@none@@Certificate [0-9]+ W>E \(3: 4001,2002,2001\); Certificate [0-9]+ E>W \(3: 3001,1002,1001\);.*AppData E>W 1, W>E 1; TLS 1.2 \| 0$
tls13-healthy-inbound.pcap@healthy mutual TLS 1.3 (certificates encrypted)@none@@^SYN [0-9]+ W>E; AppData (W>E|E>W) [0-9]+, (W>E|E>W) [0-9]+; TLS 1.3 \| 0$
tcp-not-listening.pcap@nothing listens on 5062 (inbound socket Issue 3)@tcp-reset-not-listening@@^SYN [0-9]+ W>E; RST [0-9]+ E>W; SYN [0-9]+ W>E; RST [0-9]+ E>W \| 0$
tcp-refused-out.pcap@Webex answers the SYN of the E to 5062 with a reset, outbound@tcp-reset-not-listening@@^SYN [0-9]+ E>W; RST [0-9]+ W>E \| 0$
tcp-syn-unanswered-in.pcap@5062 blocked inbound (inbound socket Issue 2)@tcp-syn-unanswered@@^SYN [0-9]+,[0-9]+,[0-9]+,[0-9]+ W>E \| 0$
tcp-syn-unanswered-out.pcap@5062 blocked outbound (outbound Issue 2)@tcp-syn-unanswered@@^SYN [0-9]+,[0-9]+,[0-9]+,[0-9]+ E>W \| 0$
sip-udp-call.pcap@SIP over UDP, call and OPTIONS@none@@^SIP [0-9,]+ \| 9 = 2 .* \+ 7 
sip-tcp-call.pcap@SIP over TCP, one message per segment@none@@^SYN [0-9]+ CM>C; SIP [0-9,]+ \| 9 = 2 .* \+ 7 
sip-tcp-coalesced.pcap@SIP over TCP, 100+180+200 in one write (100, 180 and the head of 200 in one segment), ACK+BYE in one segment@none@@^SYN [0-9]+ CM>C; SIP [0-9,]+x2,[0-9]+\[[0-9]+\+[0-9]+\],[0-9]+x2,[0-9]+ \| 9 = 2 .* \+ 7 
sip-tcp-split.pcap@SIP over TCP, MSS 536, INVITE written in 4 pieces@none@@^SYN [0-9]+ CM>C; SIP [0-9,]+\[[0-9]+(\+[0-9]+){4}\],.*\[[0-9+]+\].* \| 9 = 2 .* \+ 7 
sip-tcp-reorder.pcap@SIP over TCP, INVITE segments out of order and repeated, BYE sent twice@none@-o tcp.reassemble_out_of_order:TRUE@^SYN [0-9]+ CM>C; NotCaptured [0-9]+ CM>C; OutOfOrder [0-9]+ CM>C; Retransmission [0-9]+,[0-9]+ CM>C; SIP [0-9,]+\[[0-9]+\+[0-9]+\+[0-9]+\],.* \| `-o tcp.reassemble_out_of_order:TRUE` 9 = 2 .* \+ 7 
sip-ipv6.pcapng@SIP over IPv6, UDP then TCP@none@@^SYN [0-9]+ CM>C; SIP [0-9,]+ \| 18 = 2 .* \+ 7 .* \+ 2 .* \+ 7 
sip-udp-vlan.pcap@SIP over UDP on 802.1Q VLAN 100@none@@^SIP [0-9,]+ \| 9 = 2 .* \+ 7 
sip-tcp-sll.pcap@SIP over TCP, C calls Unified CM on port 5065@none@-d tcp.port==5065,sip@^SYN [0-9]+ C>CM; SIP [0-9,]+ \| `-d tcp.port==5065,sip` 9 = 2 .* \+ 7 '

# facts FILE OPTS: prints "link | IP | key packets | SIP" for one capture.
facts() {
	local f=$1 opts=$2 link fmt
	link=$(capinfos -E "$f" | sed -n 's/^File encapsulation: *//p')
	fmt=$(capinfos -t "$f" | sed -n 's/^File type: *//p' | sed 's/.* - //')
	# shellcheck disable=SC2086
	tshark -r "$f" -d tcp.port==5062,tls $opts -T fields -E separator=/t -E occurrence=a \
		-E aggregator=, -e frame.number -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
		-e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset -e tls.handshake.type \
		-e tls.handshake.certificate_length -e tls.alert_message.desc -e tls.record.content_type \
		-e tls.handshake.extensions.supported_version -e sip.Call-ID -e tls.record.opaque_type \
		-e vlan.id -e tcp.analysis.out_of_order -e tcp.analysis.retransmission -e tcp.segment \
		-e x509af.serialNumber -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment \
		2>/dev/null |
	awk -F'\t' -v link="$link" -v fmt="$fmt" '
	function role(a) {
		if (a == "172.16.2.2") return "E"
		if (a ~ /^146\.20\.193\./) return "W"
		if (a == "192.168.1.5" || a == "2001:db8:1::5") return "C"
		if (a == "192.168.1.21" || a == "2001:db8:1::21") return "CM"
		return a
	}
	function event(kind, dir, n, extra) {
		# consecutive events of one kind and direction share one entry
		if (nev > 0 && ekind[nev] == kind && edir[nev] == dir && extra == "" && eextra[nev] == "") {
			enum[nev] = enum[nev] "," n; return
		}
		nev++; ekind[nev] = kind; edir[nev] = dir; enum[nev] = n; eextra[nev] = extra
	}
	BEGIN {
		an[0] = "close_notify"; an[40] = "handshake_failure"; an[42] = "bad_certificate"
		an[45] = "certificate_expired"; an[46] = "certificate_unknown"; an[48] = "unknown_ca"
		an[51] = "decrypt_error"; an[80] = "internal_error"
	}
	{
		src = $2 != "" ? $2 : $4; dst = $3 != "" ? $3 : $5
		if ($2 != "") v4 = 1
		if ($4 != "") v6 = 1
		if (src == "") next
		dir = role(src) ">" role(dst)
		if ($6 == "1" && $7 == "0") event("SYN", dir, $1, "")
		if ($10 != "") event("Certificate", dir, $1, " (" split($10, c, ",") ": " $20 ")")
		if ($11 != "") { split($11, a, ","); event("Alert", dir, $1, " " an[a[1]] "(" a[1] ")") }
		if ($8 == "1") event("RST", dir, $1, "")
		if ($17 != "") event("OutOfOrder", dir, $1, "")
		# a segment the capture lacks: only sip-tcp-reorder.pcap may show one
		if ($21 != "") event("NotCaptured", dir, $1, "")
		if ($22 != "") event("AckedUnseen", dir, $1, "")
		if ($18 != "" && $6 != "1") event("Retransmission", dir, $1, "")
		if ($16 != "") vlan = $16
		# TLS 1.3 hides the real type of every encrypted record behind opaque_type 23
		nt = split($12 ($12 != "" && $15 != "" ? "," : "") $15, ct, ",")
		for (i = 1; i <= nt; i++) if (ct[i] == "23") { if (!(dir in app)) order[++nd] = dir; app[dir]++ }
		if ($9 ~ /(^|,)2(,|$)/) tls = ($13 ~ /0x0304/) ? "TLS 1.3" : "TLS 1.2"
		nc = split($14, cid, ",")
		if (nc > 0) {
			# where each SIP message ends: xN for N messages in one frame,
			# [a+b+c] for the segments tshark reassembled it from
			m = $1 (nc > 1 ? "x" nc : "")
			if ($19 != "") { gsub(",", "+", $19); m = m "[" $19 "]" }
			sipf = sipf (sipf == "" ? "" : ",") m
		}
		for (i = 1; i <= nc; i++) {
			if (!(cid[i] in cnt)) corder[++ncid] = cid[i]
			cnt[cid[i]]++; nsip++
		}
	}
	END {
		keys = ""
		for (i = 1; i <= nev; i++)
			keys = keys (keys == "" ? "" : "; ") ekind[i] " " enum[i] " " edir[i] eextra[i]
		if (nd > 0) {
			s = ""
			for (i = 1; i <= nd; i++) s = s (s == "" ? "" : ", ") order[i] " " app[order[i]]
			# a direction with no record still shows, as 0
			split(order[1], p, ">"); rev = p[2] ">" p[1]
			if (!(rev in app)) s = s ", " rev " 0"
			keys = keys "; AppData " s
		}
		if (tls != "") keys = keys "; " tls
		if (sipf != "") keys = keys (keys == "" ? "" : "; ") "SIP " sipf
		sip = nsip + 0
		for (i = 1; i <= ncid; i++)
			sip = sip (i == 1 ? " = " : " + ") cnt[corder[i]] " `" corder[i] "`"
		ip = v4 && v6 ? "IPv4+IPv6" : v6 ? "IPv6" : "IPv4"
		if (vlan != "") link = link ", 802.1Q VLAN " vlan
		print link " (" fmt ") | " ip " | " keys " | " sip
	}'
}

# row LINE_OF_CASES: prints the README row of one capture.
row() {
	local file case finding opts f
	IFS='@' read -r file case finding opts _ <<<"$1"
	f=$(facts "$dir/$file" "$opts")
	echo "| $case | \`$file\` | ${f%% | *} | $(cut -d'|' -f2 <<<"$f" | sed 's/^ //;s/ $//') | $(cut -d'|' -f3 <<<"$f" | sed 's/^ //;s/ $//') | $finding | ${opts:+\`$opts\` }$(cut -d'|' -f4- <<<"$f" | sed 's/^ //') |"
}

fail=0 pass=0 rows=""
while IFS= read -r line; do
	file=${line%%@*}
	pattern=${line##*@}
	[ -f "$dir/$file" ] || { echo "FAIL $file: missing"; fail=$((fail + 1)); continue; }
	r=$(row "$line")
	keys_sip=$(awk -F' \\| ' '{print $5 " | " $NF}' <<<"$r" | sed 's/ |$//')
	if [ "$file" != sip-tcp-reorder.pcap ] && grep -Eq "NotCaptured|AckedUnseen" <<<"$keys_sip"; then
		echo "FAIL $file: the capture lacks segments: $keys_sip"; fail=$((fail + 1))
	elif ! grep -Eq -- "$pattern" <<<"$keys_sip"; then
		echo "FAIL $file: does not show its case: $keys_sip"; fail=$((fail + 1))
	elif [ $write = 0 ] && ! grep -Fxq -- "$r" "$readme"; then
		echo "FAIL $file: README row differs; tshark now says:"; echo "$r"; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	rows="$rows$r"$'\n'
done <<<"$CASES"

if [ $write = 1 ] && [ $fail = 0 ]; then
	awk -v rows="$rows" '
		/<!-- table:end -->/ { printf "%s", rows; skip = 0 }
		!skip { print }
		/<!-- table:begin -->/ { print "| case | file | link type (format) | IP | key packets (tshark frame numbers; W Webex, E Expressway-E, C Expressway-C, CM Unified CM) | expected finding | SIP messages `tshark -Y sip` sees, by Call-ID |"; print "|---|---|---|---|---|---|---|"; skip = 1 }
	' "$readme" >"$readme.new" && mv "$readme.new" "$readme"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
