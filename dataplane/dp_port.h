/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Ports: find or hot-plug the configured devices, decide how flows are spread over workers,
 * size the mempool, configure queues and give each worker its queues.
 */

#ifndef DP_PORT_H
#define DP_PORT_H

#include <stddef.h>

/* Probe every configured device (dp.conf.ports) into dp.ports. */
int dp_ports_probe(char *err, size_t err_len);

/*
 * With dp.workers created: choose RSS or software dispatch, create the mempools, configure
 * and start the ports, and assign RX queues and TX paths to workers.
 */
int dp_ports_start(char *err, size_t err_len);

/* Stop and close the ports (after the workers returned); detach what we hot-plugged. */
void dp_ports_stop(void);

/* Packets the offline capture still has to deliver: 0 when every port reached its end. */
int dp_ports_offline_done(void);

/* Mbuf count the mempool gets for the current configuration (exposed for the docs/tests). */
unsigned int dp_ports_mbufs_needed(void);

#endif /* DP_PORT_H */
