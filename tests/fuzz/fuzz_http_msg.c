/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for the HTTP/1.x message counter (http_msg_input(), http_msg_gap()) and
 * http_msg_is_cwmp().
 *
 * Input: records of [flags][len_hi][len_lo][len bytes]: flags bit 0 is the direction, bit 1
 * reports a gap in that direction before the segment. Each segment is copied into a malloc'd
 * buffer of exactly its size. The records are fed twice, to two states: once as they are,
 * once one byte per segment. Aborts when an invariant breaks:
 *  - segmentation does not matter: both end with the same state and counters;
 *  - the state stays in range (queue, kept head/tail of the line);
 *  - counters only grow; resynchronisations never outnumber losses; one tunnel at most;
 *  - the CWMP namespace is seen by the stream matcher iff http_msg_is_cwmp() finds it in the
 *    concatenated stream (while it is under HTTP_MSG_CWMP_SCAN_MAX bytes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void
feed(struct http_msg_state *s, unsigned int dir, const uint8_t *p, uint32_t n,
	struct http_msg_counters *c)
{
	uint8_t *b = malloc(n ? n : 1);

	CHECK(b != NULL);
	if (n)
		memcpy(b, p, n);
	http_msg_input(s, dir, b, n, c);
	free(b);
}

static void
check_state(const struct http_msg_state *s)
{
	unsigned int d;

	CHECK(s->q_len <= HTTP_MSG_QUEUE && s->q_head < HTTP_MSG_QUEUE);
	CHECK(s->cwmp_scanned <= HTTP_MSG_CWMP_SCAN_MAX);
	for (d = 0; d < 2; d++) {
		CHECK(s->dir[d].head_len <= HTTP_MSG_HEAD_MAX);
		CHECK(s->dir[d].tail_len <= HTTP_MSG_TAIL_MAX);
		CHECK(s->dir[d].method < HTTP_MSG_METHOD_MAX);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_msg_state a, b;
	struct http_msg_counters ca, cb;
	uint64_t prev[HTTP_MSG_CTR_MAX];
	uint8_t *stream = malloc(size ? size : 1), *one = malloc(1);
	uint32_t slen = 0;
	size_t i = 0;
	unsigned int k;

	CHECK(stream != NULL && one != NULL);
	http_msg_init(&a);
	http_msg_init(&b);
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	memset(prev, 0, sizeof(prev));
	while (i + 3 <= size) {
		unsigned int dir = data[i] & 1;
		int gap = (data[i] & 2) != 0;
		uint32_t n = (uint32_t)data[i + 1] << 8 | data[i + 2], j;

		i += 3;
		if (n > size - i)
			n = (uint32_t)(size - i);
		if (gap) {
			http_msg_gap(&a, dir, &ca);
			http_msg_gap(&b, dir, &cb);
		}
		feed(&a, dir, data + i, n, &ca);
		for (j = 0; j < n; j++) {
			/* one byte per segment, in a 1-byte buffer */
			*one = data[i + j];
			http_msg_input(&b, dir, one, 1, &cb);
		}
		memcpy(stream + slen, data + i, n);
		slen += n;
		i += n;
		check_state(&a);
		for (k = 0; k < HTTP_MSG_CTR_MAX; k++) {
			CHECK(ca.v[k] >= prev[k]);
			prev[k] = ca.v[k];
		}
	}
	free(one);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	CHECK(memcmp(&ca, &cb, sizeof(ca)) == 0);
	CHECK(ca.v[HTTP_MSG_CTR_RESYNC] <= ca.v[HTTP_MSG_CTR_FRAMING_LOST]);
	CHECK(ca.v[HTTP_MSG_CTR_TUNNELS] <= 1);
	/* the matcher across segments agrees with a search of the whole stream */
	if (slen <= HTTP_MSG_CWMP_SCAN_MAX)
		CHECK(http_msg_cwmp_seen(&a) == http_msg_is_cwmp(stream, slen));
	else if (http_msg_cwmp_seen(&a))
		CHECK(http_msg_is_cwmp(stream, HTTP_MSG_CWMP_SCAN_MAX));
	free(stream);
	return 0;
}
