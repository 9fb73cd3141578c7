/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * IPv4 and IPv6 reassembly for inspection, and refragmentation for forwarding.
 *
 * A worker hands every outer IP fragment to ip_reasm_input(). The frag_guard decides whether
 * the fragment is acceptable (and why not, for the counters); accepted fragments go to
 * rte_ip_frag, bounded by the configured number of datagrams, fragments and timeout. A
 * completed datagram comes back as one chained mbuf so that SIP split over fragments can be
 * parsed like any other packet. On output, ip_reasm_refragment() cuts it again at the largest
 * fragment size seen on input (as Linux netfilter does), so the appliance never emits packets
 * larger than the path already carried.
 *
 * One instance per worker; nothing is shared. Times are nanoseconds (capture or TSC time).
 */

#ifndef IP_REASM_H
#define IP_REASM_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "pkt_parse.h"

struct ip_reasm_conf {
	uint32_t max_datagrams;
	uint32_t max_fragments;
	uint32_t timeout_ms;
	uint32_t max_size;
	uint32_t max_held; /* fragments held at once (bounds the mbufs reassembly can take) */
};

struct ip_reasm;

/* Register the mbuf dynamic field/flag that mark reassembled packets. Call once after EAL. */
int ip_reasm_global_init(void);

/* Create a per-worker instance. ctr is the worker's counter array. NULL + rte_errno on error. */
struct ip_reasm *ip_reasm_create(const char *name, const struct ip_reasm_conf *conf, int socket,
		uint64_t *ctr);

/*
 * Free everything. Fragments still held count as frag_timeout when their datagram had
 * timed out by now_ns, else as frag_incomplete_at_exit.
 */
void ip_reasm_free(struct ip_reasm *r, uint64_t now_ns);

/*
 * Feed one outer fragment (meta from pkt_parse() with PKT_F_FRAG). Takes ownership of m.
 * Returns the reassembled datagram when m completed one, else NULL (held, or dropped and
 * counted). The returned mbuf is marked with ip_reasm_is_reassembled().
 */
struct rte_mbuf *ip_reasm_input(struct ip_reasm *r, struct rte_mbuf *m,
		const struct pkt_meta *meta, uint64_t now_ns);

/* Once per burst: free the death row and expire old datagrams. */
void ip_reasm_tick(struct ip_reasm *r, uint64_t now_ns);

/* Datagrams currently held. */
uint32_t ip_reasm_pending(const struct ip_reasm *r);

/* The mbuf flag marking reassembled datagrams (0 before ip_reasm_global_init()). */
extern uint64_t ip_reasm_dynflag;

/* Cheap test for the fast path: was m reassembled by this module? */
static inline int
ip_reasm_flagged(const struct rte_mbuf *m)
{
	return (m->ol_flags & ip_reasm_dynflag) != 0;
}

/* True when m is a datagram this module reassembled; *mtu gets the refragmentation size. */
int ip_reasm_is_reassembled(const struct rte_mbuf *m, uint16_t *mtu);

/*
 * Fragment a reassembled datagram for output. l2_len: bytes before the IP header; port_mtu
 * caps the size (0 = no cap). Takes ownership of m. Writes up to max_out packets to out and
 * returns how many, or 0 when it failed (m freed, counted as frag_refragment_failed).
 */
unsigned int ip_reasm_refragment(struct ip_reasm *r, struct rte_mbuf *m, uint16_t l2_len,
		uint8_t family, uint16_t port_mtu, struct rte_mbuf **out, unsigned int max_out,
		struct rte_mempool *direct, struct rte_mempool *indirect);

#endif /* IP_REASM_H */
