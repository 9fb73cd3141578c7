/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for the POP3 session analyser (pop3_input()) and its line validator
 * (pop3_cmd_line()).
 *
 * Input: records of [flags][len][len bytes]: flags bit 0 is the direction (1 = client to
 * server). Each segment is copied into a malloc'd buffer of exactly its size. The records are
 * fed twice, to two sessions: once as they are, once one byte per segment (that one
 * through a 1-byte buffer). Aborts when an
 * invariant breaks:
 *  - segmentation does not matter: both sessions end with the same state and counters;
 *  - the state stays in range (phase, queue, saturating line lengths);
 *  - counters only grow, and every line is counted somewhere: each client line is a command
 *    (or a SASL response), each server line a reply, a challenge, a body line or bad;
 *  - the phase only moves forward (none -> authorization -> transaction -> update, or tls).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pop3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void
feed(struct pop3_state *s, int dir, const uint8_t *p, uint32_t n, struct pop3_counters *c)
{
	uint8_t *b = malloc(n ? n : 1);

	CHECK(b != NULL);
	if (n)
		memcpy(b, p, n);
	pop3_input(s, dir, b, n, c);
	free(b);
}

static void
check_state(const struct pop3_state *s)
{
	CHECK(s->phase <= POP3_PHASE_TLS);
	CHECK(s->q_len <= POP3_QUEUE && s->q_head < POP3_QUEUE);
}

static uint64_t
sum(const struct pop3_counters *c, unsigned int from, unsigned int to)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = from; i <= to; i++)
		t += c->v[i];
	return t;
}

/* Phases in the order a session goes through them (TLS may follow any of the first two). */
static int
phase_rank(unsigned int p)
{
	return p == POP3_PHASE_TLS ? 10 : (int)p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pop3_state a, b;
	struct pop3_counters ca, cb;
	uint64_t cli_lines = 0, prev[POP3_CTR_MAX];
	size_t i = 0, k;
	enum pop3_cmd cmd;
	uint8_t *one = malloc(1);

	CHECK(one != NULL);
	pop3_init(&a);
	pop3_init(&b);
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	memset(prev, 0, sizeof(prev));
	while (i + 2 <= size) {
		int dir = data[i] & 1;
		uint32_t n = data[i + 1], j;
		int before = phase_rank(a.phase), tls = a.phase == POP3_PHASE_TLS;

		i += 2;
		if (n > size - i)
			n = (uint32_t)(size - i);
		feed(&a, dir, data + i, n, &ca);
		for (j = 0; j < n; j++) {
			/* one byte per segment, in a 1-byte buffer */
			*one = data[i + j];
			pop3_input(&b, dir, one, 1, &cb);
		}
		if (dir && !tls)
			for (j = 0; j < n; j++)
				cli_lines += data[i + j] == '\n';
		i += n;
		check_state(&a);
		CHECK(phase_rank(a.phase) >= before);
		for (k = 0; k < POP3_CTR_MAX; k++) {
			CHECK(ca.v[k] >= prev[k]);
			prev[k] = ca.v[k];
		}
		/* lines stop being parsed in the middle of a segment once TLS starts */
		if (a.phase != POP3_PHASE_TLS)
			CHECK(sum(&ca, POP3_CTR_CMD_USER, POP3_CTR_CMD_OTHER) +
					ca.v[POP3_CTR_SASL_RESPONSES] +
					ca.v[POP3_CTR_ERR_BAD_COMMAND] ==
				cli_lines);
	}
	free(one);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	CHECK(memcmp(&ca, &cb, sizeof(ca)) == 0);
	CHECK(ca.v[POP3_CTR_CLEARTEXT_LOGINS] <= ca.v[POP3_CTR_LOGINS]);
	CHECK(ca.v[POP3_CTR_LOGINS] <= ca.v[POP3_CTR_REPLY_OK]);
	CHECK(ca.v[POP3_CTR_TLS_STARTED] <= 1);

	/* the line validator on the whole input (any length) */
	if (pop3_cmd_line(data, (uint32_t)(size > 0xffffffffu ? 0xffffffffu : size), &cmd))
		CHECK(cmd < POP3_CMD_OTHER);
	else
		CHECK(cmd <= POP3_CMD_OTHER);
	return 0;
}
