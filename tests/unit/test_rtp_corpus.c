/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Corpus agreement test: rtp_parse + rtp_stats against tshark 4.0.17's "-z rtp,streams".
 *
 * For every `sdp-learned` row of ../shared/corpus/RTP_REFERENCE.tsv it reads the capture with
 * libpcap at MICROSECOND precision (what DPDK's net_pcap gives the dataplane), feeds the UDP
 * payloads of that 5-tuple and SSRC through rtp_hdr_parse() and rtp_stream_update(), and checks:
 *  - packets == tshark "Pkts";
 *  - lost == max(0, tshark "Lost") and lost - duplicates - te_duplicates == tshark "Lost"
 *    (tshark counts duplicates as received, vpep does not: docs/rtp-quality.md);
 *  - max delta printed with 3 decimals == tshark's;
 *  - mean and max jitter within 1 % or 0.01 ms of tshark's.
 * A second pass at nanosecond precision checks the same (the local__ captures are pcapng with
 * if_tsresol 9), to show the microsecond truncation does not change the verdict.
 *
 * The telephone-event payload types and the clocks of dynamic payload types come from the
 * a=rtpmap lines of the SDP bodies in the same capture, as the dataplane's SDP parser provides
 * them. Corpus location: $VPEP_CORPUS_DIR, argv[1], or ../shared/corpus (and ../../shared/corpus
 * for a build directory); every test is skipped with a message when none exists.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rtp_parse.h"
#include "rtp_pt.h"
#include "rtp_stats.h"

#define MAX_ROWS   128
#define MAX_FILES  32
#define MAX_RTPMAP 16

struct ref_row {
	char file[128];
	int family;
	uint8_t src[16], dst[16];
	char src_s[48], dst_s[48];
	uint16_t sport, dport;
	uint32_t ssrc;
	char payload[64];
	long pkts, lost;
	char max_delta[32];
	double mean_jitter, max_jitter;
	/* results */
	struct rtp_stream st;
	struct rtp_stream st_ns;
	struct rtp_stream ref[2]; /* the same packets through rtp_stream_update_ref() */
	int parse_errors[2];  /* microsecond pass, nanosecond pass */
	int parse_status;     /* last rtp_hdr_parse() failure */
	int t38_skipped[2];   /* RTP-looking packets after the media became T.38 */
};

struct rtpmap_ent {
	uint8_t pt;
	uint32_t clock;
	bool te;
};

/* An address:port that a later SDP turned into image/t38 (udptl), from packet index on. */
struct t38_switch {
	int family;
	uint8_t addr[16];
	uint16_t port;
	long from_pkt;
};

#define MAX_T38 8

struct file_state {
	char name[128];
	struct rtpmap_ent map[MAX_RTPMAP];
	int n_map;
	struct t38_switch t38[MAX_T38];
	int n_t38;
};

static const char *corpus_dir;
static struct ref_row rows[MAX_ROWS];
static int n_rows;
static struct file_state files[MAX_FILES];
static int n_files;
static int total_failures;

static bool
dir_has_reference(const char *dir)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/RTP_REFERENCE.tsv", dir);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	fclose(f);
	return true;
}

static int
load_reference(void)
{
	char path[512], line[2048];
	FILE *f;

	snprintf(path, sizeof(path), "%s/RTP_REFERENCE.tsv", corpus_dir);
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *col[24], *save = NULL, *tok;
		int n = 0;
		struct ref_row *r;

		/* strtok_r would merge empty columns: split by hand. */
		tok = line;
		while (n < 24) {
			char *tab = strchr(tok, '\t');

			col[n++] = tok;
			if (tab == NULL)
				break;
			*tab = '\0';
			tok = tab + 1;
		}
		(void)save;
		if (n < 19 || strcmp(col[1], "sdp-learned") != 0)
			continue;
		if (n_rows == MAX_ROWS)
			break;
		r = &rows[n_rows];
		memset(r, 0, sizeof(*r));
		snprintf(r->file, sizeof(r->file), "%s", col[0]);
		snprintf(r->src_s, sizeof(r->src_s), "%s", col[2]);
		snprintf(r->dst_s, sizeof(r->dst_s), "%s", col[4]);
		r->family = strchr(col[2], ':') ? AF_INET6 : AF_INET;
		if (inet_pton(r->family, col[2], r->src) != 1 ||
				inet_pton(r->family, col[4], r->dst) != 1)
			continue;
		r->sport = (uint16_t)atoi(col[3]);
		r->dport = (uint16_t)atoi(col[5]);
		r->ssrc = (uint32_t)strtoul(col[6], NULL, 16);
		snprintf(r->payload, sizeof(r->payload), "%s", col[7]);
		r->pkts = atol(col[8]);
		r->lost = atol(col[9]);
		snprintf(r->max_delta, sizeof(r->max_delta), "%s", col[15]);
		r->mean_jitter = atof(col[17]);
		r->max_jitter = atof(col[18]);
		n_rows++;
	}
	fclose(f);
	return 0;
}

/* ---- minimal L2-L4 walk for the test (the dataplane has pkt_parse for this) ---- */

struct udp_view {
	int family;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	const uint8_t *payload;
	uint32_t len;
	uint32_t ip_len;
};

static int
walk_ip(const uint8_t *p, uint32_t len, struct udp_view *v)
{
	uint32_t hl, tot;
	uint8_t proto;

	if (len < 1)
		return -1;
	if ((p[0] >> 4) == 4) {
		if (len < 20)
			return -1;
		hl = (uint32_t)(p[0] & 0x0f) * 4;
		tot = (uint32_t)(p[2] << 8 | p[3]);
		if (hl < 20 || tot < hl || tot > len)
			return -1;
		/* Fragments: skip (no RTP stream of the corpus is fragmented). */
		if ((p[6] & 0x3f) != 0 || p[7] != 0)
			return -1;
		proto = p[9];
		v->family = AF_INET;
		v->src = p + 12;
		v->dst = p + 16;
		v->ip_len = tot;
		p += hl;
		len = tot - hl;
	} else if ((p[0] >> 4) == 6) {
		if (len < 40)
			return -1;
		tot = 40u + (uint32_t)(p[4] << 8 | p[5]);
		if (tot > len)
			return -1;
		proto = p[6];
		v->family = AF_INET6;
		v->src = p + 8;
		v->dst = p + 24;
		v->ip_len = tot;
		p += 40;
		len = tot - 40;
	} else {
		return -1;
	}
	if (proto != 17 || len < 8)
		return -1;
	v->sport = (uint16_t)(p[0] << 8 | p[1]);
	v->dport = (uint16_t)(p[2] << 8 | p[3]);
	tot = (uint32_t)(p[4] << 8 | p[5]);
	if (tot < 8 || tot > len)
		return -1;
	v->payload = p + 8;
	v->len = tot - 8;
	return 0;
}

static int
walk_frame(int dlt, const uint8_t *p, uint32_t len, struct udp_view *v)
{
	uint16_t et;

	switch (dlt) {
	case DLT_EN10MB:
		if (len < 14)
			return -1;
		et = (uint16_t)(p[12] << 8 | p[13]);
		p += 14;
		len -= 14;
		while ((et == 0x8100 || et == 0x88a8) && len >= 4) {
			et = (uint16_t)(p[2] << 8 | p[3]);
			p += 4;
			len -= 4;
		}
		if (et != 0x0800 && et != 0x86dd)
			return -1;
		return walk_ip(p, len, v);
	case DLT_LINUX_SLL:
		if (len < 16)
			return -1;
		return walk_ip(p + 16, len - 16, v);
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		return walk_ip(p, len, v);
	case DLT_NULL:
	case DLT_LOOP:
		if (len < 4)
			return -1;
		return walk_ip(p + 4, len - 4, v);
	default:
		return -1;
	}
}

static bool
link_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_RAW ||
#ifdef DLT_IPV4
	       dlt == DLT_IPV4 || dlt == DLT_IPV6 ||
#endif
	       dlt == DLT_NULL || dlt == DLT_LOOP;
}

/* Collect a=rtpmap:<pt> <name>/<clock> from any UDP payload that looks like SDP. */
static void
scan_rtpmap(struct file_state *fs, const uint8_t *p, uint32_t len)
{
	static const char key[] = "a=rtpmap:";
	uint32_t i;

	for (i = 0; i + sizeof(key) - 1 < len; i++) {
		uint32_t j = i + sizeof(key) - 1, name_off, name_len = 0;
		unsigned long pt = 0, clock = 0;
		const struct rtp_codec *c;
		int k;

		if (memcmp(p + i, key, sizeof(key) - 1) != 0)
			continue;
		while (j < len && p[j] >= '0' && p[j] <= '9')
			pt = pt * 10 + (p[j++] - '0');
		if (j >= len || p[j] != ' ' || pt > 127)
			continue;
		name_off = ++j;
		while (j < len && p[j] != '/' && p[j] != '\r' && p[j] != '\n')
			j++, name_len++;
		if (j >= len || p[j] != '/')
			continue;
		j++;
		while (j < len && p[j] >= '0' && p[j] <= '9')
			clock = clock * 10 + (p[j++] - '0');
		c = rtp_codec_by_name((const char *)p + name_off, name_len);
		for (k = 0; k < fs->n_map; k++)
			if (fs->map[k].pt == pt)
				break;
		if (k < fs->n_map || fs->n_map == MAX_RTPMAP || clock == 0)
			continue;
		fs->map[fs->n_map].pt = (uint8_t)pt;
		fs->map[fs->n_map].clock = (uint32_t)clock;
		fs->map[fs->n_map].te = rtp_codec_is_telephone_event(c);
		fs->n_map++;
	}
}

/*
 * Find "m=image <port> udptl" and the c= address in force before it: from that packet on,
 * the address:port carries T.38, not RTP (a re-INVITE for fax). The dataplane's media
 * expectations follow the same SDP, and so does tshark, which decodes those packets as T.38.
 */
static void
scan_t38(struct file_state *fs, const uint8_t *p, uint32_t len, long pkt_idx)
{
	char addr[48] = "";
	int family = 0;
	uint32_t i;

	for (i = 0; i + 8 < len; i++) {
		if (i > 0 && p[i - 1] != '\n')
			continue;
		if (memcmp(p + i, "c=IN IP", 7) == 0 && i + 9 < len) {
			uint32_t j = i + 9, k = 0;

			family = p[i + 7] == '6' ? AF_INET6 : AF_INET;
			while (j < len && k + 1 < sizeof(addr) && p[j] != '\r' && p[j] != '\n' &&
					p[j] != ' ')
				addr[k++] = (char)p[j++];
			addr[k] = '\0';
		} else if (memcmp(p + i, "m=image ", 8) == 0 && family != 0 && fs->n_t38 < MAX_T38) {
			uint32_t j = i + 8;
			unsigned long port = 0;
			struct t38_switch *t = &fs->t38[fs->n_t38];

			memset(t, 0, sizeof(*t));

			while (j < len && p[j] >= '0' && p[j] <= '9')
				port = port * 10 + (p[j++] - '0');
			if (port == 0 || port > 65535 || j + 6 > len ||
					strncasecmp((const char *)p + j, " udptl", 6) != 0)
				continue;
			if (inet_pton(family, addr, t->addr) != 1)
				continue;
			t->family = family;
			t->port = (uint16_t)port;
			t->from_pkt = pkt_idx;
			/*
			 * Keep the last announcement per address:port: tshark switches at the
			 * final offer/answer that moves the port to udptl (in the FAX capture an
			 * H.248 body in frame 1434), earlier alternatives offered alongside audio
			 * do not switch it.
			 */
			for (int k = 0; k < fs->n_t38; k++) {
				if (fs->t38[k].family == family && fs->t38[k].port == t->port &&
						memcmp(fs->t38[k].addr, t->addr, 16) == 0) {
					fs->t38[k].from_pkt = pkt_idx;
					t = NULL;
					break;
				}
			}
			if (t != NULL)
				fs->n_t38++;
		}
	}
}

static bool
is_t38(const struct file_state *fs, const struct udp_view *v, long pkt_idx)
{
	int k;

	for (k = 0; k < fs->n_t38; k++) {
		const struct t38_switch *t = &fs->t38[k];

		if (pkt_idx > t->from_pkt && t->family == v->family && t->port == v->dport &&
				memcmp(t->addr, v->dst, v->family == AF_INET ? 4 : 16) == 0)
			return true;
	}
	return false;
}

static void
stream_setup(struct rtp_stream *st, const struct file_state *fs, uint32_t ssrc)
{
	int k;

	/* Voice PT unknown up front: static PTs use RFC 3551 clocks, dynamic ones the map. */
	rtp_stream_init(st, ssrc, 0, RTP_PT_NONE, RTP_PT_NONE);
	/* Events first so they are never dropped for lack of room. */
	for (k = 0; k < fs->n_map; k++)
		if (fs->map[k].te)
			assert_int_equal(rtp_stream_map_pt(st, fs->map[k].pt, fs->map[k].clock, true), 0);
	for (k = 0; k < fs->n_map; k++)
		if (!fs->map[k].te && fs->map[k].pt >= RTP_PT_DYNAMIC_MIN)
			(void)rtp_stream_map_pt(st, fs->map[k].pt, fs->map[k].clock, false);
}

static int
read_capture(struct file_state *fs, bool nano, bool scan_only)
{
	char path[600], errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *pc;
	int dlt, rc, i;
	long pkt_idx = -1;

	snprintf(path, sizeof(path), "%s/pcaps/%s", corpus_dir, fs->name);
	pc = pcap_open_offline_with_tstamp_precision(path,
			nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (pc == NULL) {
		print_error("cannot open %s: %s\n", path, errbuf);
		return -1;
	}
	dlt = pcap_datalink(pc);
	if (!link_supported(dlt)) {
		print_error("%s: link type %d not handled by this test\n", fs->name, dlt);
		pcap_close(pc);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
		struct udp_view v;
		uint64_t t;

		pkt_idx++;
		if (walk_frame(dlt, data, hdr->caplen, &v) != 0)
			continue;
		if (scan_only) {
			scan_rtpmap(fs, v.payload, v.len);
			scan_t38(fs, v.payload, v.len, pkt_idx);
			continue;
		}
		t = (uint64_t)hdr->ts.tv_sec * 1000000000ull +
		    (uint64_t)hdr->ts.tv_usec * (nano ? 1u : 1000u);
		for (i = 0; i < n_rows; i++) {
			struct ref_row *r = &rows[i];
			struct rtp_hdr_info h;
			size_t alen = r->family == AF_INET ? 4 : 16;

			if (strcmp(r->file, fs->name) != 0 || r->family != v.family ||
					r->sport != v.sport || r->dport != v.dport ||
					memcmp(r->src, v.src, alen) != 0 ||
					memcmp(r->dst, v.dst, alen) != 0)
				continue;
			rc = rtp_hdr_parse(v.payload, v.len, &h);
			if (h.ssrc != r->ssrc || v.len < RTP_HDR_LEN)
				continue;
			if (is_t38(fs, &v, pkt_idx)) {
				r->t38_skipped[nano]++;
				continue;
			}
			if (rc != RTP_PARSE_OK) {
				r->parse_errors[nano]++;
				r->parse_status = rc;
				continue;
			}
			rc = rtp_stream_update(nano ? &r->st_ns : &r->st, &h, t, v.ip_len);
			assert_true(rc >= 0);
			/* The steady-state fast path leaves exactly the state the reference
			 * path does (the step memo aside), packet after packet. */
			assert_int_equal(rtp_stream_update_ref(&r->ref[nano], &h, t, v.ip_len), rc);
			assert_memory_equal(nano ? &r->st_ns : &r->st, &r->ref[nano],
					offsetof(struct rtp_stream, memo_ts_diff));
		}
	}
	pcap_close(pc);
	return 0;
}

static bool
jitter_close(double ours, double ref)
{
	double tol = fabs(ref) * 0.01;

	if (tol < 0.01)
		tol = 0.01;
	return fabs(ours - ref) <= tol;
}

static int
check_row(const struct ref_row *r, const struct rtp_stream *st, int pass, bool print)
{
	static const char *const tags[2] = {"us", "ns"};
	const char *tag = tags[pass];
	int rejected = r->parse_errors[pass];
	struct rtp_stream_report rep;
	char md[32];
	long tshark_lost_ours;
	int bad = 0;
	const char *rule;

	rtp_stream_report(st, &rep);
	snprintf(md, sizeof(md), "%.3f", rep.max_delta_ms);
	tshark_lost_ours = (long)rep.lost - (long)rep.duplicates - (long)rep.te_duplicates;

	/*
	 * Packets our parser rejects (tshark still counts a malformed RTP header) are not stream
	 * packets: they go to the parser's status counters.
	 */
	if ((long)rep.packets + rejected != r->pkts)
		bad |= 1;
	if ((long)rep.lost != (r->lost > 0 ? r->lost : 0) || tshark_lost_ours != r->lost)
		bad |= 2;
	if (strcmp(md, r->max_delta) != 0)
		bad |= 4;
	if (!jitter_close(rep.mean_jitter_ms, r->mean_jitter))
		bad |= 8;
	if (!jitter_close(rep.max_jitter_ms, r->max_jitter))
		bad |= 16;
	if (rejected && (r->pkts - rejected) != (long)rep.packets)
		bad |= 32;

	if (rejected)
		rule = rtp_parse_status_name(r->parse_status); /* rejected: pkts + rejected */
	else if (r->lost >= 0 && rep.duplicates == 0 && rep.te_duplicates == 0)
		rule = "equal";
	else if (rep.te_duplicates != 0)
		rule = "lost=max(0,ts) te_dup=-ts";
	else
		rule = "lost=max(0,ts) dup=-ts";
	if (print || bad)
		printf("%-2s %-42.42s %15s:%-5u > %15s:%-5u 0x%08X %-20.20s pk %4ld/%-4u lost %5ld/%-4u "
		       "dup %2u te %2u/%u maxd %9s/%-9s mj %6.3f/%-7.4f xj %6.3f/%-7.4f %-26s %s\n",
			tag, r->file, r->src_s, r->sport, r->dst_s, r->dport, r->ssrc, r->payload,
			r->pkts, rep.packets, r->lost, rep.lost, rep.duplicates, rep.te_packets,
			rep.te_duplicates, r->max_delta, md, r->mean_jitter, rep.mean_jitter_ms,
			r->max_jitter, rep.max_jitter_ms, rule, bad ? "MISMATCH" : "ok");
	if (bad)
		printf("   mismatch bits 0x%x (1 pkts, 2 lost, 4 max delta, 8 mean jitter, "
		       "16 max jitter, 32 parse errors=%d)\n", bad, rejected);
	if (print && r->t38_skipped[pass])
		printf("   %d RTP-shaped packets after the SDP switch of this port to image/udptl "
		       "(T.38) not fed: tshark decodes them as T.38\n", r->t38_skipped[pass]);
	return bad;
}

static void
test_capture(void **state)
{
	struct file_state *fs = *state;
	int i, fails = 0, n = 0;

	if (corpus_dir == NULL)
		skip();
	assert_int_equal(read_capture(fs, false, true), 0);
	for (i = 0; i < n_rows; i++) {
		if (strcmp(rows[i].file, fs->name) != 0)
			continue;
		stream_setup(&rows[i].st, fs, rows[i].ssrc);
		stream_setup(&rows[i].st_ns, fs, rows[i].ssrc);
		stream_setup(&rows[i].ref[0], fs, rows[i].ssrc);
		stream_setup(&rows[i].ref[1], fs, rows[i].ssrc);
		n++;
	}
	assert_true(n > 0);
	assert_int_equal(read_capture(fs, false, false), 0);
	assert_int_equal(read_capture(fs, true, false), 0);
	for (i = 0; i < n_rows; i++) {
		if (strcmp(rows[i].file, fs->name) != 0)
			continue;
		fails += check_row(&rows[i], &rows[i].st, 0, true) != 0;
		fails += check_row(&rows[i], &rows[i].st_ns, 1, false) != 0;
	}
	total_failures += fails;
	assert_int_equal(fails, 0);
}

int
main(int argc, char **argv)
{
	static const char *const candidates[] = {"../shared/corpus", "../../shared/corpus"};
	struct CMUnitTest tests[MAX_FILES];
	const char *env = getenv("VPEP_CORPUS_DIR");
	unsigned int c;
	int i, j, rc;

	if (env != NULL && dir_has_reference(env))
		corpus_dir = env;
	else if (argc > 1 && dir_has_reference(argv[1]))
		corpus_dir = argv[1];
	for (c = 0; corpus_dir == NULL && c < sizeof(candidates) / sizeof(candidates[0]); c++)
		if (dir_has_reference(candidates[c]))
			corpus_dir = candidates[c];

	if (corpus_dir == NULL) {
		printf("SKIP: corpus not found (set VPEP_CORPUS_DIR or pass the path; tried "
		       "../shared/corpus, ../../shared/corpus)\n");
		/* One skipped test keeps the runner's closing line meaningful. */
		files[0].name[0] = '\0';
		tests[0] = (struct CMUnitTest)cmocka_unit_test_prestate(test_capture, &files[0]);
		tests[0].name = "rtp_corpus_absent";
		return _cmocka_run_group_tests("rtp_corpus", tests, 1, NULL, NULL);
	}
	if ((rc = load_reference()) != 0 || n_rows == 0) {
		fprintf(stderr, "cannot read %s/RTP_REFERENCE.tsv (%d rows, rc %d)\n", corpus_dir,
			n_rows, rc);
		return 1;
	}
	for (i = 0; i < n_rows; i++) {
		for (j = 0; j < n_files; j++)
			if (strcmp(files[j].name, rows[i].file) == 0)
				break;
		if (j == n_files && n_files < MAX_FILES) {
			memcpy(files[n_files].name, rows[i].file, sizeof(files[n_files].name));
			n_files++;
		}
	}
	printf("corpus %s: %d sdp-learned streams in %d captures; columns: tshark/vpep\n",
		corpus_dir, n_rows, n_files);
	for (i = 0; i < n_files; i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_capture, &files[i]);
		tests[i].name = files[i].name;
	}
	rc = _cmocka_run_group_tests("rtp_corpus", tests, (size_t)n_files, NULL, NULL);
	printf("rtp corpus agreement: %d streams, %d mismatches\n", n_rows, total_failures);
	return rc;
}
