/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Test helper: read one frame's UDP/TCP payload out of a capture of the
 * shared corpus with libpcap (see corpus_frames.h). No project code is used,
 * so the tests built on it check the parsers against an independent decoder.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_frames.h"

#define MAX_TUNNELS 4

static bool located;
static char found_dir[4096];
static char searched[8192];
static char last_error[512];

/* The decoder's cursor: where the payload is, and what was crossed to get there. */
struct res {
	const uint8_t *payload;
	uint32_t len;
	struct corpus_frame_info info;
};

static int decode_ip(const uint8_t *p, uint32_t n, int depth, struct res *r);
static int decode_eth(const uint8_t *p, uint32_t n, int depth, struct res *r);

__attribute__((format(printf, 2, 3))) static int
set_err(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- locating the corpus --------------------------------------------------------------------- */

static bool
is_corpus(const char *dir)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/pcaps", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void
append(const char *fmt, const char *arg)
{
	size_t used = strlen(searched);

	snprintf(searched + used, sizeof(searched) - used, fmt, arg);
}

static void
locate(void)
{
	/* Relative to the working directory: repo root, build dir, and deeper build subdirs. */
	static const char *const rel[] = {
		"../shared/corpus",
		"../../shared/corpus",
		"../../../shared/corpus",
		"../../../../shared/corpus",
	};
	const char *env = getenv("VPEP_CORPUS_DIR");
	char cwd[2048];
	size_t i;

	if (located)
		return;
	located = true;
	found_dir[0] = 0;
	searched[0] = 0;
	if (env != NULL && env[0] != 0) {
		if (is_corpus(env))
			snprintf(found_dir, sizeof(found_dir), "%s", env);
		else
			append("$VPEP_CORPUS_DIR=%s (no pcaps/ directory there)", env);
		return;
	}
	append("%s", "$VPEP_CORPUS_DIR unset; tried ");
#ifdef VPEP_SOURCE_ROOT
	{
		char p[4096];

		snprintf(p, sizeof(p), "%s/../shared/corpus", VPEP_SOURCE_ROOT);
		if (is_corpus(p)) {
			snprintf(found_dir, sizeof(found_dir), "%s", p);
			return;
		}
		append("%s, ", p);
	}
#endif
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if (is_corpus(rel[i])) {
			snprintf(found_dir, sizeof(found_dir), "%s", rel[i]);
			return;
		}
		append(i + 1 < sizeof(rel) / sizeof(rel[0]) ? "%s, " : "%s", rel[i]);
	}
	if (getcwd(cwd, sizeof(cwd)) != NULL)
		append(" from %s", cwd);
}

const char *
corpus_dir(void)
{
	locate();
	return found_dir[0] ? found_dir : NULL;
}

const char *
corpus_searched(void)
{
	locate();
	if (found_dir[0])
		return found_dir;
	return searched;
}

const char *
corpus_last_error(void)
{
	return last_error;
}

/* ---- decoding -------------------------------------------------------------------------------- */

static int
truncated(const char *what, uint32_t have)
{
	return set_err(-EPROTO, "%s truncated (%u bytes left)", what, have);
}

/* Select the decoder for an Ethernet protocol number. */
static int
decode_ethertype(uint16_t et, const uint8_t *p, uint32_t n, int depth, struct res *r)
{
	switch (et) {
	case 0x0800: /* IPv4 */
	case 0x86dd: /* IPv6 */
		if (n < 1)
			return truncated("IP header", n);
		if ((p[0] >> 4) != (et == 0x0800 ? 4 : 6))
			return set_err(
				-EPROTO, "ethertype 0x%04x but IP version %u", et, p[0] >> 4);
		return decode_ip(p, n, depth, r);
	default:
		return set_err(-EPROTONOSUPPORT, "ethertype 0x%04x not handled", et);
	}
}

/* PPP, with or without the ff 03 address/control bytes, 1- or 2-byte protocol field. */
static int
decode_ppp(const uint8_t *p, uint32_t n, int depth, struct res *r)
{
	uint16_t proto;

	if (n >= 2 && p[0] == 0xff && p[1] == 0x03) {
		p += 2;
		n -= 2;
	}
	if (n < 1)
		return truncated("PPP header", n);
	if (p[0] & 1) { /* protocol field compressed to one byte */
		proto = p[0];
		p += 1;
		n -= 1;
	} else {
		if (n < 2)
			return truncated("PPP header", n);
		proto = rd16(p);
		p += 2;
		n -= 2;
	}
	switch (proto) {
	case 0x0021:
		return decode_ethertype(0x0800, p, n, depth, r);
	case 0x0057:
		return decode_ethertype(0x86dd, p, n, depth, r);
	default:
		return set_err(-EPROTONOSUPPORT, "PPP protocol 0x%04x not handled", proto);
	}
}

/* GRE version 0 (RFC 2784/2890) and version 1 (RFC 2637 enhanced GRE). */
static int
decode_gre(const uint8_t *p, uint32_t n, int depth, struct res *r)
{
	uint16_t flags, proto;
	uint32_t off = 4;

	if (n < 4)
		return truncated("GRE header", n);
	flags = rd16(p);
	proto = rd16(p + 2);
	switch (flags & 7) {
	case 0:
		if (flags & 0x4000)
			return set_err(-EPROTONOSUPPORT, "GRE with source routing not handled");
		off += (flags & 0x8000) ? 4 : 0; /* checksum + reserved1 */
		off += (flags & 0x2000) ? 4 : 0; /* key */
		off += (flags & 0x1000) ? 4 : 0; /* sequence number */
		break;
	case 1:
		if (proto != 0x880b || !(flags & 0x2000))
			return set_err(-EPROTO, "enhanced GRE without PPP or key");
		off += 4;			 /* payload length + call id */
		off += (flags & 0x1000) ? 4 : 0; /* sequence number */
		off += (flags & 0x0080) ? 4 : 0; /* acknowledgment number */
		break;
	default:
		return set_err(-EPROTONOSUPPORT, "GRE version %u not handled", flags & 7);
	}
	if (n < off)
		return truncated("GRE header", n);
	r->info.tunnels++;
	p += off;
	n -= off;
	switch (proto) {
	case 0x6558: /* transparent Ethernet bridging */
		return decode_eth(p, n, depth, r);
	case 0x880b:
		return decode_ppp(p, n, depth, r);
	default:
		return decode_ethertype(proto, p, n, depth, r);
	}
}

static int
decode_l4(uint8_t proto, const uint8_t *p, uint32_t n, uint8_t ipv, int depth, struct res *r)
{
	uint32_t hl;

	switch (proto) {
	case 17: /* UDP */
		if (n < 8)
			return truncated("UDP header", n);
		hl = rd16(p + 4);
		if (hl < 8 || hl > n)
			return set_err(-EPROTO, "UDP length %u with %u bytes of IP payload", hl, n);
		r->payload = p + 8;
		r->len = hl - 8;
		break;
	case 6: /* TCP */
		if (n < 20)
			return truncated("TCP header", n);
		hl = (uint32_t)(p[12] >> 4) * 4;
		if (hl < 20 || hl > n)
			return set_err(-EPROTO, "TCP data offset %u with %u bytes", hl, n);
		r->payload = p + hl;
		r->len = n - hl;
		break;
	case 47: /* GRE */
	case 4:	 /* IPv4 in IP */
	case 41: /* IPv6 in IP */
		if (depth >= MAX_TUNNELS)
			return set_err(-EPROTONOSUPPORT, "more than %d tunnels", MAX_TUNNELS);
		if (proto == 47)
			return decode_gre(p, n, depth + 1, r);
		r->info.tunnels++;
		return decode_ethertype(proto == 4 ? 0x0800 : 0x86dd, p, n, depth + 1, r);
	default:
		return set_err(-EPROTONOSUPPORT, "IP protocol %u is neither UDP nor TCP", proto);
	}
	r->info.ip_version = ipv;
	r->info.l4_proto = proto;
	r->info.sport = rd16(p);
	r->info.dport = rd16(p + 2);
	return 0;
}

static int
decode_ipv4(const uint8_t *p, uint32_t n, int depth, struct res *r)
{
	uint32_t ihl, tot;
	uint16_t frag;

	if (n < 20)
		return truncated("IPv4 header", n);
	ihl = (uint32_t)(p[0] & 15) * 4;
	tot = rd16(p + 2);
	if (ihl < 20 || tot < ihl)
		return set_err(-EPROTO, "IPv4 header length %u, total length %u", ihl, tot);
	if (tot > n) /* less than that captured (snap length) */
		return set_err(-EPROTO, "IPv4 total length %u but %u bytes captured", tot, n);
	frag = rd16(p + 6);
	if (frag & 0x3fff) /* MF set or a non-zero offset: only part of the datagram */
		return set_err(-EMSGSIZE, "IPv4 fragment (offset %u, MF %u)",
			(unsigned int)(frag & 0x1fff) * 8, (frag >> 13) & 1);
	/* the total length drops Ethernet padding */
	return decode_l4(p[9], p + ihl, tot - ihl, 4, depth, r);
}

static int
decode_ipv6(const uint8_t *p, uint32_t n, int depth, struct res *r)
{
	uint32_t plen, hl;
	uint8_t nh;

	if (n < 40)
		return truncated("IPv6 header", n);
	plen = rd16(p + 4);
	if (plen == 0)
		return set_err(-EPROTONOSUPPORT, "IPv6 jumbogram not handled");
	if (40 + plen > n)
		return set_err(
			-EPROTO, "IPv6 payload length %u but %u bytes captured", plen, n - 40);
	nh = p[6];
	p += 40;
	n = plen;
	for (;;) {
		switch (nh) {
		case 0:	 /* hop-by-hop options */
		case 43: /* routing */
		case 60: /* destination options */
			if (n < 8)
				return truncated("IPv6 extension header", n);
			hl = ((uint32_t)p[1] + 1) * 8;
			if (hl > n)
				return truncated("IPv6 extension header", n);
			break;
		case 44: /* fragment */
			if (n < 8)
				return truncated("IPv6 fragment header", n);
			if (rd16(p + 2) & 0xfff9)
				return set_err(-EMSGSIZE, "IPv6 fragment (offset %u, M %u)",
					(unsigned int)(rd16(p + 2) >> 3) * 8, rd16(p + 2) & 1);
			hl = 8; /* an atomic fragment: the whole datagram */
			break;
		default:
			return decode_l4(nh, p, n, 6, depth, r);
		}
		nh = p[0];
		p += hl;
		n -= hl;
	}
}

static int
decode_ip(const uint8_t *p, uint32_t n, int depth, struct res *r)
{
	if (n < 1)
		return truncated("IP header", n);
	switch (p[0] >> 4) {
	case 4:
		return decode_ipv4(p, n, depth, r);
	case 6:
		return decode_ipv6(p, n, depth, r);
	default:
		return set_err(-EPROTONOSUPPORT, "IP version %u", p[0] >> 4);
	}
}

static int
decode_eth(const uint8_t *p, uint32_t n, int depth, struct res *r)
{
	uint32_t off = 14;
	uint16_t et;

	if (n < 14)
		return truncated("Ethernet header", n);
	et = rd16(p + 12);
	while (et == 0x8100 || et == 0x88a8 || et == 0x9100) { /* VLAN tags */
		if (n < off + 4)
			return truncated("802.1Q tag", n - off);
		et = rd16(p + off + 2);
		off += 4;
	}
	if (et == 0x8864) { /* PPPoE session: 6-byte header, then PPP */
		if (n < off + 6)
			return truncated("PPPoE header", n - off);
		return decode_ppp(p + off + 6, n - off - 6, depth, r);
	}
	if (et < 0x0600)
		return set_err(-EPROTONOSUPPORT, "IEEE 802.3 length field, not an ethertype");
	return decode_ethertype(et, p + off, n - off, depth, r);
}

static int
decode_link(int dlt, const uint8_t *p, uint32_t n, struct res *r)
{
	switch (dlt) {
	case DLT_EN10MB:
		return decode_eth(p, n, 0, r);
	case DLT_LINUX_SLL: /* 16-byte cooked header, protocol last */
		if (n < 16)
			return truncated("Linux SLL header", n);
		return decode_ethertype(rd16(p + 14), p + 16, n - 16, 0, r);
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2: /* 20-byte cooked header, protocol first */
		if (n < 20)
			return truncated("Linux SLL2 header", n);
		return decode_ethertype(rd16(p), p + 20, n - 20, 0, r);
#endif
	case DLT_NULL: /* 4-byte address family, the IP version tells the rest */
	case DLT_LOOP:
		if (n < 4)
			return truncated("loopback header", n);
		return decode_ip(p + 4, n - 4, 0, r);
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
#endif
		return decode_ip(p, n, 0, r);
	case DLT_PPP:
#ifdef DLT_PPP_SERIAL
	case DLT_PPP_SERIAL:
#endif
		return decode_ppp(p, n, 0, r);
	default:
		return set_err(-EPROTONOSUPPORT, "link type %d (%s) not handled", dlt,
			pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
	}
}

/* ---- reading --------------------------------------------------------------------------------- */

int
corpus_frame_payload_info(const char *capture_name, unsigned int frame_no, uint8_t *buf,
	uint32_t cap, uint32_t *len, struct corpus_frame_info *info)
{
	char errbuf[PCAP_ERRBUF_SIZE], path[4400];
	const char *dir;
	struct pcap_pkthdr *h = NULL;
	const u_char *data = NULL;
	struct res r;
	unsigned int k = 0;
	pcap_t *pc;
	int rc;

	last_error[0] = 0;
	if (capture_name == NULL || buf == NULL || len == NULL || frame_no == 0)
		return set_err(-EINVAL, "bad arguments (frames are numbered from 1)");
	dir = corpus_dir();
	if (dir == NULL)
		return set_err(-ENOENT, "corpus not found: %s", corpus_searched());
	snprintf(path, sizeof(path), "%s/pcaps/%s", dir, capture_name);
	pc = pcap_open_offline(path, errbuf);
	if (pc == NULL)
		return set_err(-EIO, "%s: %s", path, errbuf);
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1)
		if (++k == frame_no)
			break;
	if (rc != 1) {
		if (rc == PCAP_ERROR_BREAK)
			rc = set_err(-ENODATA, "%s has %u frames, not %u", path, k, frame_no);
		else
			rc = set_err(-EIO, "%s: %s", path, pcap_geterr(pc));
		pcap_close(pc);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.info.linktype = pcap_datalink(pc);
	r.info.wire_len = h->len;
	/* data belongs to pc: decode and copy before closing it */
	rc = decode_link(r.info.linktype, data, h->caplen, &r);
	if (rc < 0) {
		char why[sizeof(last_error)];

		snprintf(why, sizeof(why), "%s", last_error);
		rc = set_err(rc, "%s frame %u: %s", capture_name, frame_no, why);
	} else if (r.len > cap) {
		rc = set_err(-ENOBUFS, "%s frame %u: payload of %u bytes, buffer of %u",
			capture_name, frame_no, r.len, cap);
	} else {
		memcpy(buf, r.payload, r.len);
		*len = r.len;
		if (info != NULL)
			*info = r.info;
	}
	pcap_close(pc);
	return rc;
}

int
corpus_frame_payload(
	const char *capture_name, unsigned int frame_no, uint8_t *buf, uint32_t cap, uint32_t *len)
{
	return corpus_frame_payload_info(capture_name, frame_no, buf, cap, len, NULL);
}
