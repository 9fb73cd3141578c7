/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Worker lcores: run to completion over bursts of packets.
 */

#ifndef WORKER_H
#define WORKER_H

#include "dp.h"

/* Allocate a worker's tables and rings; returns NULL with a message in err on failure. */
struct dp_worker *worker_create(unsigned int id, unsigned int lcore_id, char *err, size_t err_len);

/* Free a worker after its lcore returned; counts what reassembly still held. */
void worker_free(struct dp_worker *w);

/* lcore entry point (rte_eal_remote_launch). */
int worker_main(void *arg);

/* True when the worker's inbound rings (handoff and shared TX) are empty. */
bool worker_rings_empty(const struct dp_worker *w);

/* Which worker owns a flow in software dispatch (also used by tests). */
static inline unsigned int
worker_owner_of_sig(uint32_t sig, unsigned int n_workers)
{
	return (unsigned int)(((uint64_t)sig * n_workers) >> 32);
}

#endif /* WORKER_H */
