/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for sdp_parse(), the sdp_media_*() helpers and the
 * address parsers.
 *
 * The input is copied into a malloc'd buffer of exactly its size so ASan
 * reports any read past len. Aborts when an invariant breaks: MALFORMED
 * carries a reason and a line offset inside the input, every returned range
 * lies inside the input, counts stay within their arrays, and the resolved
 * helpers agree with the raw fields.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Idataplane \
 *        tests/fuzz/fuzz_sdp.c dataplane/sdp_parse.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static uint32_t lim;

static void
check_range(struct sdp_str s)
{
	CHECK(s.off <= lim && s.len <= lim - s.off);
}

static void
check_conn(const struct sdp_conn *c)
{
	CHECK(c->af <= SDP_AF_IP6);
	if (c->af != SDP_AF_NONE) {
		check_range(c->addr_text);
		CHECK(c->naddr >= 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp_session *s = malloc(sizeof(*s));
	uint8_t *b, a[16];
	unsigned int i, k;

	if (size > 1u << 20)
		size = 1u << 20;
	lim = (uint32_t)size;
	b = malloc(size ? size : 1);
	memcpy(b, data, size);

	if (sdp_parse(b, lim, s) != SDP_PARSE_OK) {
		CHECK(s->err != SDP_ERR_NONE && s->err < SDP_ERR_MAX);
		CHECK(s->err_off < lim || lim == 0);
	} else {
		CHECK(s->err == SDP_ERR_NONE);
		CHECK(s->nmedia <= SDP_MAX_MEDIA && s->nmedia <= s->nmedia_total);
		CHECK(!!(s->flags & SDP_F_MEDIA_TRUNCATED) == (s->nmedia_total > SDP_MAX_MEDIA));
		check_range(s->origin_user);
		check_range(s->sess_id_text);
		check_range(s->sess_version_text);
		check_range(s->origin_addr);
		check_range(s->name);
		check_conn(&s->conn);
		for (i = 0; i < s->nmedia; i++) {
			const struct sdp_media *m = &s->media[i];
			const struct sdp_conn *c = sdp_media_conn(s, i);
			uint16_t rtcp = sdp_media_rtcp_port(s, i);

			check_range(m->type_text);
			check_range(m->proto_text);
			check_range(m->fmt_text);
			check_range(m->mid);
			check_conn(&m->conn);
			check_conn(&m->rtcp_conn);
			CHECK(m->nfmt <= SDP_MAX_FMT && m->nrtpmap <= SDP_MAX_RTPMAP &&
				m->nfmtp <= SDP_MAX_FMTP);
			for (k = 0; k < m->nfmt; k++)
				CHECK(m->fmt[k] <= 127);
			for (k = 0; k < m->nrtpmap; k++) {
				check_range(m->rtpmap[k].enc);
				CHECK(m->rtpmap[k].enc.len > 0 && m->rtpmap[k].pt <= 127);
			}
			for (k = 0; k < m->nfmtp; k++)
				check_range(m->fmtp[k].params);
			/* an active stream always has a connection address somewhere */
			CHECK(m->port == 0 || c != NULL);
			CHECK(rtcp == 0 || m->port != 0);
			if (m->flags & SDP_MF_RTCP_MUX && m->flags & SDP_MF_RTP)
				CHECK(rtcp == m->port);
			if (sdp_media_dir(s, i) == SDP_DIR_INACTIVE)
				CHECK(sdp_media_is_hold(s, i));
			(void)sdp_media_rtcp_conn(s, i);
			(void)sdp_media_is_disabled(s, i);
			(void)sdp_media_rtpmap(s, i, (uint8_t)(b[0] & 0x7f));
		}
		/* past the end is harmless */
		CHECK(sdp_media_conn(s, s->nmedia) == NULL);
		CHECK(sdp_media_rtcp_port(s, SDP_MAX_MEDIA + 1) == 0);
	}

	/* The address parsers on the raw input (any length). */
	(void)sdp_addr_parse_ip4(b, lim, a);
	(void)sdp_addr_parse_ip6(b, lim, a);

	free(b);
	free(s);
	return 0;
}
