/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for offline capture preparation: each supported link type becomes an Ethernet
 * frame that pkt_parse() reads, unsupported or broken captures are refused with one clear
 * message, and the converted copy keeps every packet. Captures are written with libpcap
 * into a temporary directory.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "offline.h"
#include "pkt_parse.h"

/* A minimal IPv4/UDP packet (no link header): 10.0.0.1:1000 -> 10.0.0.2:2000, 4 bytes data. */
static const uint8_t ip4_udp[32] = {
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2,
	0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0x00, 0x00, 'd', 'a', 't', 'a',
};

static char dir[] = "/tmp/vpep-offline-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Convert one frame and check the IPv4/UDP packet inside parses with the right ports. */
static void
expect_converts(int dlt, const uint8_t *frame, uint32_t len, uint16_t want_et)
{
	uint8_t out[256];
	struct pkt_meta m;
	int n = offline_to_ether(dlt, frame, len, out, sizeof(out));

	assert_true(n > 14);
	assert_int_equal((out[12] << 8) | out[13], want_et);
	if (want_et == 0x0800) {
		assert_int_equal(pkt_parse(out, (uint32_t)n, PKT_PARSE_NO_IPV4_CKSUM, &m), 0);
		assert_int_equal(m.sport, 1000);
		assert_int_equal(m.dport, 2000);
	}
}

static void
test_link_types(void **state)
{
	uint8_t f[128];

	(void)state;
	/* Linux cooked (SLL): 16-byte header ending in protocol 0x0800 */
	memset(f, 0, 16);
	f[14] = 0x08;
	memcpy(f + 16, ip4_udp, 32);
	expect_converts(DLT_LINUX_SLL, f, 48, 0x0800);
	/* SLL2: protocol first, 20-byte header */
	memset(f, 0, 20);
	f[0] = 0x08;
	memcpy(f + 20, ip4_udp, 32);
	expect_converts(276, f, 52, 0x0800);
	/* raw IP, under its three names */
	expect_converts(DLT_RAW, ip4_udp, 32, 0x0800);
	expect_converts(101, ip4_udp, 32, 0x0800);
	expect_converts(228, ip4_udp, 32, 0x0800);
	/* DLT_NULL with AF_INET (2) in little-endian, then big-endian */
	memset(f, 0, 4);
	f[0] = 2;
	memcpy(f + 4, ip4_udp, 32);
	expect_converts(DLT_NULL, f, 36, 0x0800);
	f[0] = 0;
	f[3] = 2;
	expect_converts(DLT_NULL, f, 36, 0x0800);
	/* DLT_LOOP (network order) with AF_INET6 = 24 on OpenBSD: IPv6 */
	f[3] = 24;
	expect_converts(DLT_LOOP, f, 36, 0x86dd);
	/* PPP with HDLC address/control and protocol 0x0021 */
	f[0] = 0xff, f[1] = 0x03, f[2] = 0x00, f[3] = 0x21;
	memcpy(f + 4, ip4_udp, 32);
	expect_converts(DLT_PPP, f, 36, 0x0800);
	/* PPP without address/control */
	f[0] = 0x00, f[1] = 0x21;
	memcpy(f + 2, ip4_udp, 32);
	expect_converts(DLT_PPP, f, 34, 0x0800);
	/* PPP LCP (0xc021): kept, but as a non-IP frame */
	f[0] = 0xc0, f[1] = 0x21;
	expect_converts(DLT_PPP, f, 34, 0x88b5);
	/* too short for the link header, and an unsupported link type */
	assert_int_equal(offline_to_ether(DLT_LINUX_SLL, f, 10, f + 64, 64), -1);
	assert_int_equal(offline_to_ether(105 /* 802.11 */, f, 34, f + 64, 64), -1);
	assert_true(offline_linktype_supported(DLT_EN10MB));
	assert_false(offline_linktype_supported(105));
}

/* Write `n` copies of a frame with link type dlt to path (n = 0: an empty capture). */
static void
write_capture(const char *path, int dlt, const uint8_t *frame, uint32_t len, int n)
{
	pcap_t *p = pcap_open_dead(dlt, 65535);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	struct pcap_pkthdr h = { .caplen = len, .len = len };
	int i;

	assert_non_null(d);
	for (i = 0; i < n; i++) {
		h.ts.tv_sec = 1000 + i;
		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void
test_prepare(void **state)
{
	struct offline_capture cap;
	char path[256], err[512];
	uint8_t f[64];
	FILE *fp;

	(void)state;
	/* an Ethernet capture is read as it is */
	memset(f, 0, 14);
	f[12] = 0x08;
	memcpy(f + 14, ip4_udp, 32);
	snprintf(path, sizeof(path), "%s/eth.pcap", dir);
	write_capture(path, DLT_EN10MB, f, 46, 3);
	assert_int_equal(offline_prepare(path, dir, &cap, err, sizeof(err)), 0);
	assert_int_equal(cap.packets, 3);
	assert_false(cap.converted);
	assert_string_equal(cap.feed_path, path);

	/* a raw-IP capture is converted into a temporary Ethernet capture, packets kept */
	snprintf(path, sizeof(path), "%s/raw.pcap", dir);
	write_capture(path, DLT_RAW, ip4_udp, 32, 5);
	assert_int_equal(offline_prepare(path, dir, &cap, err, sizeof(err)), 0);
	assert_true(cap.converted);
	assert_int_equal(cap.packets, 5);
	{
		char eb[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(cap.feed_path, eb);
		struct pcap_pkthdr *h;
		const u_char *data;
		int k = 0;

		assert_non_null(p);
		assert_int_equal(pcap_datalink(p), DLT_EN10MB);
		while (pcap_next_ex(p, &h, &data) == 1) {
			assert_int_equal(h->caplen, 46);
			assert_int_equal(h->ts.tv_sec, 1000 + k);
			k++;
		}
		assert_int_equal(k, 5);
		pcap_close(p);
	}
	offline_cleanup(&cap);
	assert_int_not_equal(access(cap.feed_path, F_OK), 0);

	/* an unsupported link type is refused, naming it */
	snprintf(path, sizeof(path), "%s/wifi.pcap", dir);
	write_capture(path, 105, ip4_udp, 32, 1);
	assert_int_equal(offline_prepare(path, dir, &cap, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "link type 105"));

	/* a missing file, an empty capture, and a file that is not a capture */
	assert_int_equal(offline_prepare("/nonexistent.pcap", dir, &cap, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	snprintf(path, sizeof(path), "%s/empty.pcap", dir);
	write_capture(path, DLT_EN10MB, f, 46, 0);
	assert_int_equal(offline_prepare(path, dir, &cap, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no packets"));
	snprintf(path, sizeof(path), "%s/text.pcap", dir);
	fp = fopen(path, "w");
	fputs("this is not a capture\n", fp);
	fclose(fp);
	assert_int_equal(offline_prepare(path, dir, &cap, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open capture"));

	/* a capture cut in the middle of its third record: two packets, marked damaged */
	snprintf(path, sizeof(path), "%s/cut.pcap", dir);
	write_capture(path, DLT_EN10MB, f, 46, 3);
	assert_int_equal(truncate(path, 24 + 2 * (16 + 46) + 20), 0);
	assert_int_equal(offline_prepare(path, dir, &cap, err, sizeof(err)), 0);
	assert_int_equal(cap.packets, 2);
	assert_true(cap.read_error);

	/* DPDK device arguments cannot carry a comma */
	snprintf(path, sizeof(path), "%s/a,b.pcap", dir);
	write_capture(path, DLT_EN10MB, f, 46, 1);
	assert_int_equal(offline_prepare(path, dir, &cap, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "comma"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_prepare),
	};

	return cmocka_run_group_tests_name("offline", tests, setup, teardown);
}
