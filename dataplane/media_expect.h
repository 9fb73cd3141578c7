/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Media expectations: the RTP and RTCP endpoints SDP announced, visible to every worker.
 *
 * A SIP message is handled by the worker that owns its Call-ID; the media it announces can
 * arrive on any worker (it hashes on other addresses). That worker looks the new flow's
 * endpoints up here. The table is an rte_hash with lock-free readers (RW_CONCURRENCY_LF) and
 * concurrent writers (MULTI_WRITER_ADD): no lock on the fast path. A deleted entry's key slot
 * and record are reclaimed through an RCU defer queue once every worker has reported a
 * quiescent state (rte_rcu_qsbr), so a reader can use what it found until its next loop.
 */

#ifndef MEDIA_EXPECT_H
#define MEDIA_EXPECT_H

#include <stdint.h>

struct rte_rcu_qsbr; /* rte_rcu_qsbr.h: only the .c needs it, so pure users stay DPDK-free */

#define MEDIA_EXPECT_MAX_PT 8

enum media_kind {
	MEDIA_RTP = 1,
	MEDIA_RTCP = 2,
	MEDIA_RTP_RTCP = 3, /* rtcp-mux: both on one port */
};

/* An endpoint: 32 bytes so rte_hash compares it with SSE. */
struct media_key {
	uint8_t addr[16]; /* IPv4: first 4 bytes, rest zero */
	uint16_t port;
	uint8_t family;
	uint8_t proto;    /* 17 */
	uint32_t zero[3];
};

/* What the SDP said about an endpoint. */
struct media_expect_info {
	uint64_t call;      /* handle of the call (call_handle_*), for reporting and policy */
	uint8_t kind;       /* enum media_kind */
	uint8_t media_idx;  /* m= line */
	uint8_t te_pt;      /* telephone-event payload type, 0xff: none */
	uint8_t n_pt;
	uint8_t is_video;
	uint8_t pad[3];
	struct {
		uint8_t pt;
		uint8_t pad[3];
		uint32_t clock;  /* Hz, 0 unknown */
		char name[16];   /* encoding name, NUL-terminated */
	} pt[MEDIA_EXPECT_MAX_PT];
};

/* Create the table for `capacity` endpoints; workers are RCU threads 0..n_readers-1. */
int media_expect_init(uint32_t capacity, unsigned int n_readers, int socket);
void media_expect_free(void);

/* The RCU variable workers report quiescent states on (once per loop). */
struct rte_rcu_qsbr *media_expect_qsbr(void);

/* Publish (or replace) an endpoint. 0, -ENOSPC when full, -ENOMEM when out of records. */
int media_expect_add(const struct media_key *k, const struct media_expect_info *info);

/* Withdraw an endpoint; its record is freed after a grace period. 0 or -ENOENT. */
int media_expect_del(const struct media_key *k);

/* Withdraw an endpoint only if call still owns it: 0, -ENOENT, or -EBUSY (re-published). */
int media_expect_del_owned(const struct media_key *k, uint64_t call);

/*
 * Find an endpoint. Lock-free; the result stays valid until the calling worker's next
 * quiescent report. NULL when absent.
 */
const struct media_expect_info *media_expect_lookup(const struct media_key *k);

/* Endpoints currently published. */
uint32_t media_expect_count(void);

/* Build the key of address addr (4 or 16 bytes by family) and port. */
static inline void
media_key_set(struct media_key *k, uint8_t family, const uint8_t *addr, uint16_t port)
{
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(k->addr, addr, family == 4 ? 4 : 16);
	k->port = port;
	k->family = family;
	k->proto = 17;
}

#endif /* MEDIA_EXPECT_H */
