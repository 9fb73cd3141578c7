/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for sip_msg_parse() and the sip_* helpers, plus sdp_parse()
 * on any SDP the SIP parser locates.
 *
 * The input is copied into a malloc'd buffer of exactly its size so ASan
 * reports any read past len. Besides "no crash" it checks invariants and
 * traps when one breaks:
 *  - a positive return is at most len, MALFORMED always carries a reason;
 *  - every returned range lies inside the message;
 *  - over a stream, a prefix of the input gives NEED_MORE or exactly what the
 *    whole input gives (framing never depends on bytes not yet received).
 * The input is walked three ways: as one datagram (the dataplane's loop), as
 * a stream buffer of pipelined messages, and as a stream cut in two at a
 * point taken from the input.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Idataplane \
 *        tests/fuzz/fuzz_sip.c dataplane/sip_parse.c dataplane/sdp_parse.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_parse.h"
#include "sip_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void
check_range(struct sip_str s, uint32_t lim)
{
	CHECK(s.off <= lim && s.len <= lim - s.off);
}

static void
check_sdp(const uint8_t *src, struct sip_str r)
{
	struct sdp_session sdp;
	uint8_t *b = malloc(r.len ? r.len : 1);
	unsigned int i;

	memcpy(b, src + r.off, r.len);
	if (sdp_parse(b, r.len, &sdp) == SDP_PARSE_OK) {
		CHECK(sdp.nmedia <= SDP_MAX_MEDIA && sdp.nmedia <= sdp.nmedia_total);
		for (i = 0; i <= sdp.nmedia; i++) {
			(void)sdp_media_conn(&sdp, i);
			(void)sdp_media_rtcp_port(&sdp, i);
			(void)sdp_media_rtcp_conn(&sdp, i);
			(void)sdp_media_is_hold(&sdp, i);
			(void)sdp_media_dir(&sdp, i);
		}
	} else {
		CHECK(sdp.err != SDP_ERR_NONE && sdp.err < SDP_ERR_MAX);
	}
	free(b);
}

static void
check_uri(const uint8_t *b, struct sip_str uri)
{
	struct sip_uri u;
	uint32_t lim = uri.off + uri.len;

	if (uri.len == 0 || sip_uri_parse(b, uri, &u) != 0)
		return;
	check_range(u.user, lim);
	check_range(u.password, lim);
	check_range(u.host, lim);
	check_range(u.params, lim);
	check_range(u.headers, lim);
	check_range(u.number, lim);
	CHECK(u.host.len == 0 || u.host.off >= uri.off);
}

/* Invariants of one sip_msg_parse() result on b[0..len). */
static void
check_msg(const uint8_t *b, uint32_t len, int r, const struct sip_msg *m)
{
	struct sip_str v;
	uint32_t lim, i;

	if (r == SIP_PARSE_MALFORMED) {
		CHECK(m->err != SIP_ERR_NONE && m->err < SIP_ERR_MAX);
		CHECK(m->err_off <= len);
		CHECK(m->msg_len == 0);
		return;
	}
	if (r == SIP_PARSE_NEED_MORE)
		return;
	CHECK(r > 0 && (uint32_t)r <= len);
	CHECK(m->err == SIP_ERR_NONE);
	if (m->kind == SIP_KIND_KEEPALIVE) {
		for (i = 0; i < (uint32_t)r; i++)
			CHECK(b[i] == '\r' || b[i] == '\n');
		return;
	}
	CHECK(m->kind == SIP_KIND_REQUEST || m->kind == SIP_KIND_RESPONSE);
	lim = m->msg_len;
	CHECK(lim <= (uint32_t)r && m->hdr_len <= lim);
	CHECK(m->msg_len + m->trailing_len == (uint32_t)r || m->trailing_len == 0);
	check_range(m->method_str, lim);
	check_range(m->ruri, lim);
	check_range(m->version, lim);
	check_range(m->reason, lim);
	check_range(m->via.value, lim);
	check_range(m->via.transport, lim);
	check_range(m->via.host, lim);
	check_range(m->via.branch, lim);
	check_range(m->via.received, lim);
	check_range(m->from.value, lim);
	check_range(m->from.display, lim);
	check_range(m->from.uri, lim);
	check_range(m->from.tag, lim);
	check_range(m->to.value, lim);
	check_range(m->to.uri, lim);
	check_range(m->to.tag, lim);
	check_range(m->contact.uri, lim);
	check_range(m->call_id, lim);
	check_range(m->cseq_method_str, lim);
	check_range(m->content_type, lim);
	check_range(m->user_agent, lim);
	check_range(m->server, lim);
	check_range(m->supported, lim);
	check_range(m->body, lim);
	check_range(m->sdp, lim);
	CHECK(m->body.off == m->hdr_len);
	CHECK(m->call_id.len > 0 && m->via_count > 0);
	CHECK(m->kind != SIP_KIND_RESPONSE || (m->status >= 100 && m->status <= 699));
	CHECK(m->hdr_count <= SIP_MAX_HEADERS);
	for (i = 0; i < m->hdr_count; i++) {
		CHECK(m->hdrs[i].name_off + m->hdrs[i].name_len <= m->hdr_len);
		CHECK(m->hdrs[i].val_off + m->hdrs[i].val_len <= m->hdr_len);
		CHECK(m->hdrs[i].id < SIP_HDR_MAX);
	}
	if (m->flags & SIP_F_SDP) {
		CHECK(m->sdp.len > 0 && m->sdp.off >= m->body.off);
		check_sdp(b, m->sdp);
	}
	/* helpers */
	check_uri(b, m->ruri);
	check_uri(b, m->from.uri);
	check_uri(b, m->to.uri);
	check_uri(b, m->contact.uri);
	(void)sip_uri_aor_equal(b, m->from.uri, b, m->to.uri);
	if (sip_param_find(b, m->via.value, "branch", &v))
		check_range(v, m->via.value.off + m->via.value.len);
	if (sip_param_find(b, m->contact.value, "expires", &v))
		check_range(v, m->contact.value.off + m->contact.value.len);
	CHECK(sip_msg_same_dialog(b, m, b, m));
	CHECK(sip_str_equal(b, m->call_id, b, m->call_id));
	(void)sip_hdr_find(m, SIP_HDR_VIA, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg *m = malloc(sizeof(*m)), *m2 = malloc(sizeof(*m2));
	uint8_t *b;
	uint32_t len, off, split;
	int r, r2;

	if (size > 1u << 20)
		size = 1u << 20;
	len = (uint32_t)size;
	b = malloc(size ? size : 1);
	memcpy(b, data, size);

	/* 1. As one datagram, the way the dataplane walks a UDP payload. */
	for (off = 0; off < len;) {
		struct sip_str cid;
		int pr = sip_call_id_peek(b + off, len - off, &cid);

		if (pr == 0)
			check_range(cid, len - off);
		r = sip_msg_parse(b + off, len - off, SIP_TRANSPORT_DGRAM, m);
		CHECK(r != SIP_PARSE_NEED_MORE);
		check_msg(b + off, len - off, r, m);
		/* The steering peek finds the Call-ID the full parse found, unless the header
		 * was folded over lines (the peek reads one line). */
		if (r > 0 && m->kind != SIP_KIND_KEEPALIVE && !(m->flags & SIP_F_FOLDED) &&
				!(m->flags & SIP_F_BARE_LF)) {
			CHECK(pr == 0);
			CHECK(sip_str_equal(b + off, cid, b + off, m->call_id));
		}
		if (r <= 0)
			break;
		off += (uint32_t)r;
	}

	/* 2. As a stream buffer holding pipelined messages. */
	for (off = 0; off < len;) {
		r = sip_msg_parse(b + off, len - off, SIP_TRANSPORT_STREAM, m);
		check_msg(b + off, len - off, r, m);
		if (r <= 0)
			break;
		off += (uint32_t)r;
	}

	/* 3. A stream whose first segment ends at a split point taken from the input. */
	if (len > 2) {
		uint8_t *p;

		split = ((uint32_t)b[0] << 8 | b[1]) % len;
		p = malloc(split ? split : 1);
		memcpy(p, b, split);
		r = sip_msg_parse(p, split, SIP_TRANSPORT_STREAM, m);
		check_msg(p, split, r, m);
		r2 = sip_msg_parse(b, len, SIP_TRANSPORT_STREAM, m2);
		if (r > 0 && m->kind != SIP_KIND_KEEPALIVE) {
			CHECK(r2 == r);
		} else if (r == SIP_PARSE_MALFORMED) {
			CHECK(r2 == SIP_PARSE_MALFORMED && m2->err == m->err);
		}
		free(p);
	}

	free(b);
	free(m);
	free(m2);
	return 0;
}
