/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <time.h>

#include "dp_time.h"

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t
dp_time_init(unsigned int sample_ms)
{
	uint64_t t0, t1, c0, c1, measured_hz;
	struct timespec nap = {
		.tv_sec = sample_ms / 1000,
		.tv_nsec = (long)(sample_ms % 1000) * 1000000L,
	};

	dp.tsc_hz = rte_get_tsc_hz();
	t0 = clock_ns(CLOCK_MONOTONIC);
	c0 = rte_rdtsc();
	nanosleep(&nap, NULL);
	t1 = clock_ns(CLOCK_MONOTONIC);
	c1 = rte_rdtsc();
	measured_hz = (uint64_t)((double)(c1 - c0) * 1e9 / (double)(t1 - t0));

	dp.start_tsc = rte_rdtsc();
	dp.start_unix_ns = clock_ns(CLOCK_REALTIME);
	/* Convert with DPDK's figure: it is what rte_timer and rte_meter use, so our time
	 * agrees with theirs; the check below tells the operator when that figure is wrong. */
	dp.ns_per_tsc_q32 = (uint64_t)(((unsigned __int128)1000000000ull << 32) / dp.tsc_hz);
	return (int64_t)(((double)dp.tsc_hz - (double)measured_hz) * 1e6 / (double)measured_hz);
}
