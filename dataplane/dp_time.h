/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Dataplane time. Live, time is the TSC converted to nanoseconds since the Unix epoch (offset
 * taken at start); offline, workers use the capture's timestamps instead (see worker.c).
 */

#ifndef DP_TIME_H
#define DP_TIME_H

#include <stdint.h>

#include <rte_cycles.h>

#include "dp.h"

/*
 * Measure the TSC against CLOCK_MONOTONIC over `sample_ms` and set up the conversion.
 * Returns the relative difference between rte_get_tsc_hz() and the measured rate, in parts per
 * million, so the caller can warn: on some VMs DPDK's TSC frequency is wrong, which silently
 * skews every rate and meter.
 */
int64_t dp_time_init(unsigned int sample_ms);

static inline uint64_t
dp_time_now_ns(void)
{
	uint64_t d = rte_rdtsc() - dp.start_tsc;

	return dp.start_unix_ns + (uint64_t)(((unsigned __int128)d * dp.ns_per_tsc_q32) >> 32);
}

#endif /* DP_TIME_H */
