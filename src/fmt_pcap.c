/* fmt_pcap.c - packet captures (libpcap and pcapng files): recognised, not
 * read yet. A reader lands here: its scan would take the SIP of the
 * captured packets, and its raw their payload. */
#include <string.h>

#include "log_format.h"

/* Returns true when the file starts with a libpcap magic number, in either
 * byte order, for microsecond (a1b2c3d4) or nanosecond (a1b23c4d) times. */
static bool
pcap_sniff(const char *d, size_t n)
{
	static const unsigned char magic[][4] = {
		{0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1},
		{0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1},
	};
	for (size_t i = 0; n >= 4 && i < sizeof magic / sizeof magic[0]; i++)
		if (memcmp(d, magic[i], 4) == 0)
			return true;
	return false;
}

/* Returns true when the file starts with a pcapng section header block: its
 * type (0a0d0d0a) and, after the block length, the byte-order magic. */
static bool
pcapng_sniff(const char *d, size_t n)
{
	return n >= 12 && memcmp(d, "\x0a\x0d\x0d\x0a", 4) == 0 &&
	    (memcmp(d + 8, "\x1a\x2b\x3c\x4d", 4) == 0 || memcmp(d + 8, "\x4d\x3c\x2b\x1a", 4) == 0);
}

const struct log_format fmt_pcap = {
	.name = "pcap",
	.what = "packet capture",
	.sniff = pcap_sniff,
};

const struct log_format fmt_pcapng = {
	.name = "pcapng",
	.what = "packet capture (pcapng)",
	.sniff = pcapng_sniff,
};
