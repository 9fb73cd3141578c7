/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * /metrics: vpep-ctrl's state and the dataplane's last STATS document in the Prometheus text
 * exposition format (version 0.0.4). Names and units follow Prometheus conventions (base
 * units, `_total` for counters, `_bytes`, `_seconds`); labels are bounded: per port, worker,
 * class, colour, reason, method, response code, COPS client type and message type, never per
 * call or flow. Every family is listed in docs/http-api.md.
 *
 * The dataplane's values are copied from the document as it sent them, so a scrape and the
 * document of the same moment agree exactly (t_dataplane_stats says which moment).
 */

#ifndef VPEP_CTRL_METRICS_H
#define VPEP_CTRL_METRICS_H

#include <stdint.h>

#include <event2/buffer.h>
#include <jansson.h>

struct pep;

/* MOS bands used by /metrics, /api/v1/stats and the dashboard (lower bound inclusive). */
#define METRICS_MOS_BANDS 6
extern const double metrics_mos_band_lo[METRICS_MOS_BANDS];
extern const char *const metrics_mos_band_name[METRICS_MOS_BANDS];

/* Index of the band a MOS value falls in. */
unsigned int metrics_mos_band(double mos);

/*
 * The dataplane's calls, taken once per document: active (not terminated) and terminated
 * calls, and active calls per MOS band (calls without a MOS yet are counted in no_mos), from
 * its `calls_summary` (every call, however many `calls` lists), else summed over `calls`.
 * listed: calls in the `calls` list; omitted: its `calls_omitted`; streams: RTP streams.
 */
struct metrics_calls {
	uint64_t active;
	uint64_t terminated;
	uint64_t no_mos;
	uint64_t mos_band[METRICS_MOS_BANDS];
	uint64_t listed;
	uint64_t omitted;
	uint64_t streams;
};

void metrics_calls_sum(json_t *doc, struct metrics_calls *mc);

/* Append the whole exposition (ctrl and dataplane families) to out; 0 or -ENOMEM. */
int metrics_render(struct evbuffer *out, const struct pep *p, double now);

/* Helpers shared with http_api.c: an integer member (0 when absent or not a number). */
uint64_t metrics_juint(json_t *o, const char *key);

#endif /* VPEP_CTRL_METRICS_H */
