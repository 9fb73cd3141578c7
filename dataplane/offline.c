/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "offline.h"

/* Link types that libpcap may name with either value depending on the platform. */
#define LT_RAW_OPENBSD 14
#define LT_RAW_LINKTYPE 101
#define LT_PPP_SERIAL 50
#define LT_PPP_ETHER 51
#define LT_LINUX_SLL2 276
#define LT_IPV4 228
#define LT_IPV6 229

#define ETH_HDR 14

static const uint8_t synth_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t synth_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

bool
offline_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case LT_LINUX_SLL2:
	case DLT_RAW:
	case LT_RAW_OPENBSD:
	case LT_RAW_LINKTYPE:
	case LT_IPV4:
	case LT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case LT_PPP_SERIAL:
	case LT_PPP_ETHER:
		return true;
	default:
		return false;
	}
}

static uint16_t
ethertype_of_ip(const uint8_t *p, uint32_t len)
{
	if (len < 1)
		return 0;
	if ((p[0] >> 4) == 4)
		return 0x0800;
	if ((p[0] >> 4) == 6)
		return 0x86dd;
	return 0;
}

static uint16_t
ethertype_of_ppp(uint16_t proto)
{
	switch (proto) {
	case 0x0021:
		return 0x0800;
	case 0x0057:
		return 0x86dd;
	default:
		return 0;
	}
}

/* DLT_NULL stores the address family in the capturing host's byte order. */
static uint16_t
ethertype_of_af(uint32_t af)
{
	uint32_t swapped = __builtin_bswap32(af);

	if (af == 2 || swapped == 2)
		return 0x0800;
	/* AF_INET6 is 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS */
	if (af == 10 || af == 24 || af == 28 || af == 30 || swapped == 10 || swapped == 24 ||
			swapped == 28 || swapped == 30)
		return 0x86dd;
	return 0;
}

int
offline_to_ether(int dlt, const uint8_t *in, uint32_t len, uint8_t *out, uint32_t cap)
{
	uint32_t skip;
	uint16_t et;

	switch (dlt) {
	case DLT_LINUX_SLL: /* pkttype, hatype, halen, addr[8], protocol */
		if (len < 16)
			return -1;
		skip = 16;
		et = (uint16_t)(in[14] << 8 | in[15]);
		break;
	case LT_LINUX_SLL2: /* protocol, reserved, ifindex, hatype, pkttype, halen, addr[8] */
		if (len < 20)
			return -1;
		skip = 20;
		et = (uint16_t)(in[0] << 8 | in[1]);
		break;
	case DLT_RAW:
	case LT_RAW_OPENBSD:
	case LT_RAW_LINKTYPE:
	case LT_IPV4:
	case LT_IPV6:
		skip = 0;
		et = ethertype_of_ip(in, len);
		break;
	case DLT_NULL:
		if (len < 4)
			return -1;
		skip = 4;
		et = ethertype_of_af((uint32_t)in[0] | (uint32_t)in[1] << 8 |
				(uint32_t)in[2] << 16 | (uint32_t)in[3] << 24);
		break;
	case DLT_LOOP: /* the same, in network byte order */
		if (len < 4)
			return -1;
		skip = 4;
		et = ethertype_of_af((uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 |
				(uint32_t)in[2] << 8 | in[3]);
		break;
	case DLT_PPP:
	case LT_PPP_SERIAL:
		/* Optional HDLC address/control (0xff 0x03), then the PPP protocol. */
		skip = (len >= 2 && in[0] == 0xff && in[1] == 0x03) ? 2 : 0;
		if (len < skip + 2)
			return -1;
		et = ethertype_of_ppp((uint16_t)(in[skip] << 8 | in[skip + 1]));
		skip += 2;
		break;
	case LT_PPP_ETHER: /* PPPoE header without the Ethernet header: 6 bytes + PPP proto */
		if (len < 8)
			return -1;
		et = ethertype_of_ppp((uint16_t)(in[6] << 8 | in[7]));
		skip = 8;
		break;
	default:
		return -1;
	}
	if (len < skip || cap < ETH_HDR + (len - skip))
		return -1;
	memcpy(out, synth_dst, 6);
	memcpy(out + 6, synth_src, 6);
	/* Not IP: an IEEE "local experimental" ethertype, so it passes as non-IP and is counted. */
	if (et == 0)
		et = 0x88b5;
	out[12] = (uint8_t)(et >> 8);
	out[13] = (uint8_t)et;
	memcpy(out + ETH_HDR, in + skip, len - skip);
	return (int)(ETH_HDR + (len - skip));
}

int
offline_prepare(const char *path, const char *tmpdir, struct offline_capture *cap, char *err,
		size_t err_len)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *in, *dead = NULL;
	pcap_dumper_t *dump = NULL;
	uint8_t *frame = NULL;
	const char *name;
	int rc, fd;

	memset(cap, 0, sizeof(*cap));
	snprintf(cap->path, sizeof(cap->path), "%s", path);
	snprintf(cap->feed_path, sizeof(cap->feed_path), "%s", path);
	if (access(path, R_OK) != 0) {
		snprintf(err, err_len, "cannot read capture \"%s\": %s", path, strerror(errno));
		return -1;
	}
	in = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (in == NULL) {
		snprintf(err, err_len, "cannot open capture \"%s\": %s", path, errbuf);
		return -1;
	}
	cap->linktype = pcap_datalink(in);
	name = pcap_datalink_val_to_name(cap->linktype);
	snprintf(cap->linktype_name, sizeof(cap->linktype_name), "%s", name ? name : "unknown");
	if (!offline_linktype_supported(cap->linktype)) {
		snprintf(err, err_len,
				"capture \"%s\" has link type %d (%s), which vpep cannot turn into "
				"Ethernet; convert it first (editcap/tcprewrite) or capture on an "
				"Ethernet interface", path, cap->linktype,
				name ? name : "unknown");
		pcap_close(in);
		return -1;
	}
	/* DPDK device arguments are comma-separated: a comma in the path would split it. */
	if (strchr(path, ',') != NULL && cap->linktype == DLT_EN10MB) {
		snprintf(err, err_len, "capture path \"%s\" contains a comma, which DPDK device "
				"arguments cannot carry; rename or link the file", path);
		pcap_close(in);
		return -1;
	}
	if (cap->linktype != DLT_EN10MB) {
		snprintf(cap->feed_path, sizeof(cap->feed_path), "%s/vpep-conv-XXXXXX.pcap",
				tmpdir ? tmpdir : "/tmp");
		fd = mkstemps(cap->feed_path, 5);
		if (fd < 0) {
			snprintf(err, err_len, "cannot create a temporary file in %s: %s",
					tmpdir ? tmpdir : "/tmp", strerror(errno));
			pcap_close(in);
			return -1;
		}
		close(fd);
		dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144,
				PCAP_TSTAMP_PRECISION_NANO);
		dump = dead ? pcap_dump_open(dead, cap->feed_path) : NULL;
		frame = malloc(262144 + ETH_HDR);
		if (dump == NULL || frame == NULL) {
			snprintf(err, err_len, "cannot write the converted capture %s: %s",
					cap->feed_path, dead ? pcap_geterr(dead) : "out of memory");
			goto fail;
		}
		cap->converted = true;
	}
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		cap->packets++;
		if (h->caplen < h->len)
			cap->truncated++;
		if (dump != NULL) {
			struct pcap_pkthdr oh = *h;
			int n = offline_to_ether(cap->linktype, data, h->caplen, frame,
					262144 + ETH_HDR);

			if (n < 0) {
				/* Too short to hold its own link header: keep it, as non-IP. */
				cap->unconvertible++;
				n = offline_to_ether(DLT_RAW, data, 0, frame, 262144 + ETH_HDR);
			}
			oh.caplen = (bpf_u_int32)n;
			oh.len = h->len - h->caplen + (bpf_u_int32)n;
			pcap_dump((u_char *)dump, &oh, frame);
		}
	}
	if (rc == PCAP_ERROR) {
		cap->read_error = true;
		snprintf(cap->read_error_msg, sizeof(cap->read_error_msg), "%s", pcap_geterr(in));
		if (cap->packets == 0) {
			snprintf(err, err_len, "cannot read capture \"%s\": %s", path,
					pcap_geterr(in));
			goto fail;
		}
	}
	if (cap->packets == 0) {
		snprintf(err, err_len, "capture \"%s\" holds no packets", path);
		goto fail;
	}
	if (dump != NULL) {
		pcap_dump_close(dump);
		pcap_close(dead);
	}
	free(frame);
	pcap_close(in);
	return 0;
fail:
	if (dump != NULL)
		pcap_dump_close(dump);
	if (dead != NULL)
		pcap_close(dead);
	free(frame);
	pcap_close(in);
	offline_cleanup(cap);
	return -1;
}

void
offline_cleanup(struct offline_capture *cap)
{
	if (cap->converted) {
		unlink(cap->feed_path);
		cap->converted = false;
	}
}
