/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Meters: rte_meter's srTCM (RFC 2697), trTCM (RFC 2698) and trTCM (RFC 4115) colour checks,
 * driven by a clock in nanoseconds.
 *
 * rte_meter counts time in TSC cycles and reads rte_get_tsc_hz() when a profile is configured.
 * vpep keeps one time base for everything, nanoseconds (live: the TSC converted once per burst;
 * offline: capture timestamps), so meters here have profiles computed for a 1 GHz "clock"
 * with the same token-bucket parameters rte_meter would compute (rte_meter_get_tb_params()),
 * and their run-time contexts start at the caller's time instead of reading the TSC. The colour
 * checks are rte_meter's own inline functions. That makes captures police deterministically,
 * keeps a VM's wrong TSC frequency out of the rates (see dp_time's check), and lets tests run
 * without EAL.
 *
 * Rates are bytes per second of IP packets (no link-layer header), bursts are bytes.
 * Context ownership: one struct meter is updated by one worker only (no atomics).
 */

#ifndef METER_H
#define METER_H

#include <stdint.h>

#include <rte_meter.h>

enum meter_type {
	METER_NONE = 0,		/* no meter: every packet green */
	METER_SRTCM = 1,	/* RFC 2697: cir, cbs, ebs */
	METER_TRTCM = 2,	/* RFC 2698: cir, pir, cbs, pbs */
	METER_TRTCM_4115 = 3,	/* RFC 4115: cir, eir, cbs, ebs */
	METER_TYPE_MAX
};

enum meter_colour {
	METER_GREEN = RTE_COLOR_GREEN,
	METER_YELLOW = RTE_COLOR_YELLOW,
	METER_RED = RTE_COLOR_RED,
	METER_COLOURS = RTE_COLORS
};

struct meter_params {
	uint8_t type;	/* enum meter_type */
	uint64_t cir;	/* committed rate, bytes/s */
	uint64_t pir;	/* peak rate (trTCM) or excess rate (RFC 4115), bytes/s */
	uint64_t cbs;	/* committed burst, bytes */
	uint64_t pbs;	/* peak burst (trTCM) or excess burst (srTCM, RFC 4115), bytes */
};

struct meter_profile {
	uint8_t type;
	union {
		struct rte_meter_srtcm_profile sr;
		struct rte_meter_trtcm_profile tr;
		struct rte_meter_trtcm_rfc4115_profile t4;
	} p;
};

struct meter {
	union {
		struct rte_meter_srtcm sr;
		struct rte_meter_trtcm tr;
		struct rte_meter_trtcm_rfc4115 t4;
	} m;
};

/*
 * Check the parameters and compute a profile. Returns 0, or -EINVAL with a sentence in err
 * naming the parameter (CIR must be positive, PIR >= CIR for RFC 2698, bursts positive where
 * their rate is, rates at most 100 Gbit/s).
 */
int meter_profile_init(struct meter_profile *p, const struct meter_params *params, char *err,
		unsigned int err_len);

/* Start a context with full buckets at time now_ns. */
void meter_init(struct meter *m, const struct meter_profile *p, uint64_t now_ns);

const char *meter_type_name(unsigned int type);	/* "srtcm", "trtcm", "trtcm_rfc4115", "none" */
const char *meter_colour_name(unsigned int colour);	/* "green", "yellow", "red" */

/*
 * Colour-blind check of a packet of len bytes at now_ns (never earlier than the last call).
 * rte_meter takes the profile without const although it only reads it: the casts below are
 * safe, and profiles stay const everywhere else (they are shared by workers).
 */
static inline enum meter_colour
meter_check(struct meter *m, const struct meter_profile *cp, uint64_t now_ns, uint32_t len)
{
	struct meter_profile *p = (struct meter_profile *)(uintptr_t)cp;

	switch (p->type) {
	case METER_SRTCM:
		return (enum meter_colour)rte_meter_srtcm_color_blind_check(&m->m.sr, &p->p.sr,
				now_ns, len);
	case METER_TRTCM:
		return (enum meter_colour)rte_meter_trtcm_color_blind_check(&m->m.tr, &p->p.tr,
				now_ns, len);
	case METER_TRTCM_4115:
		return (enum meter_colour)rte_meter_trtcm_rfc4115_color_blind_check(&m->m.t4,
				&p->p.t4, now_ns, len);
	default:
		return METER_GREEN;
	}
}

#endif /* METER_H */
