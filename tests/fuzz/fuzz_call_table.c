/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for call_table.c: a sequence of SIP messages through a
 * small call table (capacity 5, so eviction happens), with timer ticks in
 * between.
 *
 * Input format: records, each
 *	<dt> <len_hi> <len_lo> <len bytes of one SIP datagram>
 * dt is a time step: the clock advances by dt * 0.5 s before the message
 * (so 120 steps pass the setup timeout of 60 s; a session timeout of 300 s
 * and a linger of 5 s are configured), and call_table_tick() runs with a
 * budget of (dt & 7) + 1. A short last record takes what is left. Each
 * datagram is copied into a malloc'd buffer of exactly its length so ASan
 * sees over-reads, parsed by sip_msg_parse() (a keep-alive run first is
 * skipped like the dataplane does), and its SDP, when SIP_F_SDP, by
 * sdp_parse() (NULL when it fails, as the dataplane hands it). The last
 * byte of dt also decides whether call_table_finish() runs at the end.
 *
 * Invariants (abort when broken): count <= capacity; every update within
 * its bounds, every publication with a valid family, a nonzero port, a
 * known kind and side, and a key not also withdrawn in the same update;
 * NEW and UPDATED return a live reference; call_table_expectations() of
 * every live call returns at most CALL_MAX_EXPECT entries with distinct
 * keys referring to it; the stats count every message once.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Idataplane -Iinclude \
 *        tests/fuzz/fuzz_call_table.c dataplane/call_table.c dataplane/sip_parse.c \
 *        dataplane/sdp_parse.c dataplane/rtp_pt.c -lm
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_table.h"
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

#define CAPACITY 5
#define STEP_NS	 500000000ull

static bool
same_addr(const struct call_expect_key *a, const struct call_expect_key *b)
{
	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, 16) == 0;
}

static void
check_key(const struct call_expect_key *k)
{
	CHECK(k->family == CALL_AF_IP4 || k->family == CALL_AF_IP6);
	CHECK(k->port != 0);
	if (k->family == CALL_AF_IP4) {
		static const uint8_t zero[12];

		CHECK(memcmp(k->addr + 4, zero, 12) == 0);
	}
}

static void
check_update(const struct call_update *u)
{
	unsigned int i, k;

	CHECK(u->nadd <= CALL_UPDATE_MAX_ADD && u->ndel <= CALL_UPDATE_MAX_DEL);
	for (i = 0; i < u->nadd; i++) {
		check_key(&u->add[i].key);
		CHECK(u->add[i].kind < CALL_EXPECT_MAX);
		CHECK(u->add[i].side <= CALL_SIDE_CALLEE);
		CHECK(u->add[i].npt <= CALL_MAX_PT);
		for (k = 0; k < u->ndel; k++)
			CHECK(!same_addr(&u->add[i].key, &u->del[k]));
	}
	for (k = 0; k < u->ndel; k++)
		check_key(&u->del[k]);
}

static void
check_table(const struct call_table *ct)
{
	struct call_expect ex[CALL_MAX_EXPECT];
	uint32_t s, live = 0;
	int n, i, j;

	CHECK(call_table_count(ct) <= CAPACITY);
	for (s = 0; s < CAPACITY; s++) {
		const struct call *c = call_table_at(ct, s);
		struct call_ref r;

		if (c == NULL)
			continue;
		live++;
		r = call_table_ref(ct, c);
		CHECK(r.slot == s && call_table_get(ct, r) == c);
		CHECK(call_table_lookup(ct, (const uint8_t *)c->call_id, c->call_id_len) == c ||
			c->call_id_len > CALL_ID_MAX - 1);
		CHECK(c->state < CALL_S_MAX && c->reason < CALL_REASON_MAX);
		CHECK(c->nmedia <= CALL_MAX_MEDIA && c->ncodecs <= CALL_MAX_CODECS);
		CHECK(strlen(c->call_id) <= CALL_ID_MAX - 1);
		n = call_table_expectations(ct, r, ex);
		CHECK(n >= 0 && n <= CALL_MAX_EXPECT);
		CHECK(n == 0 || !(c->flags & CALL_F_WITHDRAWN));
		for (i = 0; i < n; i++) {
			check_key(&ex[i].key);
			CHECK(ex[i].key.ref.slot == r.slot && ex[i].key.ref.gen == r.gen);
			for (j = 0; j < i; j++)
				CHECK(!same_addr(&ex[i].key, &ex[j].key));
		}
		(void)call_duration_ns(c, 0);
		(void)call_state_name(c->state);
		(void)call_reason_name(c->reason);
	}
	CHECK(live == call_table_count(ct));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct call_table ct;
	struct call_table_conf conf;
	struct call_update *upd = malloc(sizeof(*upd));
	struct sip_msg *msg = malloc(sizeof(*msg));
	struct sdp_session *sdp = malloc(sizeof(*sdp));
	size_t memlen = call_table_mem_size(CAPACITY), off = 0;
	void *mem = NULL;
	uint64_t now = 0, msgs = 0, sum;
	uint8_t dt = 0;
	unsigned int i;

	CHECK(upd != NULL && msg != NULL && sdp != NULL);
	CHECK(posix_memalign(&mem, 64, memlen) == 0);
	call_table_conf_default(&conf);
	conf.setup_timeout_ns = 60000000000ull;
	conf.session_timeout_ns = 300000000000ull;
	conf.linger_ns = 5000000000ull;
	conf.retain_ns = 20000000000ull;
	conf.hash_seed = 42;
	CHECK(call_table_init(&ct, mem, memlen, CAPACITY, &conf) == 0);

	while (off < size) {
		uint32_t len, p = 0;
		uint8_t *b;
		struct call_ref ref;
		int r;

		dt = data[off++];
		if (size - off >= 2) {
			len = (uint32_t)data[off] << 8 | data[off + 1];
			off += 2;
		} else {
			len = (uint32_t)(size - off);
			off = size;
		}
		if (len > size - off)
			len = (uint32_t)(size - off);
		now += dt * STEP_NS;
		call_table_tick(&ct, now, upd, (dt & 7u) + 1);
		check_update(upd);
		CHECK(upd->nadd == 0);

		b = malloc(len ? len : 1);
		CHECK(b != NULL);
		memcpy(b, data + off, len);
		off += len;
		while (p < len) {
			const struct sdp_session *s = NULL;

			r = sip_msg_parse(b + p, len - p, SIP_TRANSPORT_DGRAM, msg);
			if (r <= 0)
				break;
			if (msg->kind != SIP_KIND_KEEPALIVE) {
				if (msg->flags & SIP_F_SDP &&
					sdp_parse(b + p + msg->sdp.off, msg->sdp.len, sdp) ==
						SDP_PARSE_OK)
					s = sdp;
				r = call_table_sip(&ct, b + p, msg, s, now, NULL, upd, &ref);
				CHECK(r >= 0 && r < CALL_SIP_MAX);
				msgs++;
				check_update(upd);
				CHECK(!upd->more);
				if (r == CALL_SIP_NEW || r == CALL_SIP_UPDATED)
					CHECK(call_table_get(&ct, ref) != NULL);
				if (r == CALL_SIP_NEW)
					CHECK(upd->ndel == 0 || call_table_count(&ct) == CAPACITY);
				if (r == CALL_SIP_NOT_CALL || r == CALL_SIP_UNKNOWN_CALL)
					CHECK(ref.slot == UINT32_MAX && upd->nadd == 0 &&
						upd->ndel == 0);
				if (r == CALL_SIP_RETRANS || r == CALL_SIP_STRAY)
					CHECK(upd->nadd == 0 && upd->ndel == 0);
				if (ref.slot != UINT32_MAX &&
					(r == CALL_SIP_UPDATED || r == CALL_SIP_NEW))
					(void)call_table_touch(&ct, ref, now);
			}
			p += (uint32_t)r;
		}
		free(b);
		check_table(&ct);
	}
	for (sum = 0, i = 0; i < CALL_SIP_MAX; i++)
		sum += ct.stats.sip[i];
	CHECK(sum == msgs);
	if (dt & 0x80)
		(void)call_table_finish(&ct, now);
	/* drain every timer: all calls end, every expectation is withdrawn */
	for (i = 0; i < 64; i++) {
		call_table_tick(&ct, now + 3600000000000ull * (i + 1), upd, 1000);
		check_update(upd);
	}
	check_table(&ct);

	free(mem);
	free(upd);
	free(msg);
	free(sdp);
	return 0;
}
