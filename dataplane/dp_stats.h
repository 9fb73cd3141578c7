/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Statistics: the control thread's once-per-interval sums, the stats JSON written at exit, and
 * the human-readable summary.
 */

#ifndef DP_STATS_H
#define DP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "offline.h"
#include "vpep_counters.h"

/* Totals summed over workers at one moment. */
struct dp_snapshot {
	uint64_t tsc;
	uint64_t ctr[VPEP_CTR_MAX];
	uint64_t flows_active;
	uint64_t dropped;
};

/* Sum every worker's counters (the control thread calls this once per interval). */
void dp_stats_snapshot(struct dp_snapshot *s);

/* Mempool occupancy at exit, recorded by main after everything was released. */
struct dp_pool_report {
	unsigned int in_use_end;
	unsigned int indirect_in_use_end;
	int valid;
};

/*
 * Build the stats document. cap may be NULL (live mode). flows_max: flows to list.
 * The caller owns the returned reference.
 */
json_t *dp_stats_json(const struct dp_snapshot *s, const struct offline_capture *cap,
		const struct dp_pool_report *pools, double duration_s, uint32_t flows_max,
		uint32_t calls_max);

/* Write the document atomically (temporary file + rename). 0 or -errno. */
int dp_stats_write(const char *path, json_t *doc);

/* Print the human-readable summary. */
void dp_stats_summary(FILE *f, const struct dp_snapshot *s, const struct offline_capture *cap,
		double duration_s);

#endif /* DP_STATS_H */
