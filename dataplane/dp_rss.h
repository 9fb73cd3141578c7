/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Symmetric RSS. With the repeating 0x6d5a Toeplitz key (Woo and Park, "Scalable TCP Session
 * Monitoring with Symmetric Receive-side Scaling") a NIC hashes A->B and B->A to the same
 * value, so both directions of a flow reach the same queue and worker without any software
 * dispatch. dp_rss_owner() reproduces the NIC's choice in software for the packets the NIC
 * hashed on other headers (reassembled datagrams, tunnels), with the same key and the RETA we
 * programmed (entry i -> queue i % n_queues).
 */

#ifndef DP_RSS_H
#define DP_RSS_H

#include <stdint.h>

#include "flow_table.h"

/* Fill key[0, len) with the symmetric pattern. */
void dp_rss_symmetric_key(uint8_t *key, unsigned int len);

/* Toeplitz hash of a flow key as the NIC computes it (4-tuple for TCP/UDP, else addresses). */
uint32_t dp_rss_hash(const struct flow_key *k, const uint8_t *key);

/* Worker (= queue) that symmetric RSS sends this flow to. */
unsigned int dp_rss_owner(const struct flow_key *k);

#endif /* DP_RSS_H */
