/* xwbpf.c - tc (cls_bpf, direct-action) programs that mkcaptures.sh attaches to
 * veth devices where the kernel lacks netem, gact and 802.1Q: not part of xwtrace.
 * Build: clang -O2 -target bpf -DXW_PORT=5062 -DXW_VID=100 -c xwbpf.c -o xwbpf.o
 *   drop      : drop TCP (IPv4/IPv6) whose source or destination port is XW_PORT;
 *               on ingress the frame is dropped after packet taps saw it, so a
 *               capture there shows SYNs that get no answer
 *   vlan_push : tag every frame with 802.1Q VLAN XW_VID (attach on egress)
 *   vlan_pop  : strip the tag again (attach on ingress, after taps saw it) */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>

#ifndef XW_PORT
#define XW_PORT 5062
#endif
#ifndef XW_VID
#define XW_VID 100
#endif
#define SEC(s) __attribute__((section(s), used))

static long (*skb_load_bytes)(const void *, __u32, void *, __u32) =
	(void *)BPF_FUNC_skb_load_bytes;
static long (*skb_vlan_push)(void *, __be16, __u16) = (void *)BPF_FUNC_skb_vlan_push;
static long (*skb_vlan_pop)(void *) = (void *)BPF_FUNC_skb_vlan_pop;

/* Returns the byte offset of the TCP header, or 0 when the frame is not TCP
 * over IPv4/IPv6 (IPv6 extension headers are not followed: none are used). */
static __u32 tcp_offset(struct __sk_buff *skb)
{
	__u8 b[2];

	if (skb->protocol == __constant_htons(ETH_P_IP)) {
		if (skb_load_bytes(skb, ETH_HLEN, b, 1) || skb_load_bytes(skb, ETH_HLEN + 9, b + 1, 1))
			return 0;
		return b[1] == IPPROTO_TCP ? ETH_HLEN + (b[0] & 0xf) * 4 : 0;
	}
	if (skb->protocol == __constant_htons(ETH_P_IPV6)) {
		if (skb_load_bytes(skb, ETH_HLEN + 6, b, 1))
			return 0;
		return b[0] == IPPROTO_TCP ? ETH_HLEN + 40 : 0;
	}
	return 0;
}

SEC("drop") int xw_drop(struct __sk_buff *skb)
{
	__u32 off = tcp_offset(skb);
	__u8 p[4];

	if (off == 0 || skb_load_bytes(skb, off, p, 4))
		return TC_ACT_OK;
	if (((p[0] << 8) | p[1]) == XW_PORT || ((p[2] << 8) | p[3]) == XW_PORT)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("vlan_push") int xw_vlan_push(struct __sk_buff *skb)
{
	skb_vlan_push(skb, __constant_htons(ETH_P_8021Q), XW_VID);
	return TC_ACT_OK;
}

SEC("vlan_pop") int xw_vlan_pop(struct __sk_buff *skb)
{
	if (skb->vlan_present)
		skb_vlan_pop(skb);
	return TC_ACT_OK;
}

char xw_license[] SEC("license") = "GPL";
