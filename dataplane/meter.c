/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "meter.h"

#define NS_PER_S 1000000000.0
/* rte_meter.c's RTE_METER_TB_PERIOD_MIN (private to that file). */
#define METER_TB_PERIOD_MIN 100
/* 100 Gbit/s: beyond this a profile is a typing mistake, not a policy. */
#define METER_RATE_MAX (100000000000ull / 8)

/*
 * rte_meter_get_tb_params() for a 1 GHz clock: a bucket gains bytes_per_period bytes every
 * period ns, with period at least METER_TB_PERIOD_MIN so that integer rounding costs at
 * most 1% at high rates.
 */
static void
tb_params(uint64_t rate, uint64_t *period, uint64_t *bytes_per_period)
{
	double t;

	if (rate == 0) {
		*bytes_per_period = 0;
		*period = METER_TB_PERIOD_MIN;
		return;
	}
	t = NS_PER_S / (double)rate;
	if (t >= METER_TB_PERIOD_MIN) {
		*bytes_per_period = 1;
		*period = (uint64_t)t;
	} else {
		*bytes_per_period = (uint64_t)ceil(METER_TB_PERIOD_MIN / t);
		*period = (uint64_t)(NS_PER_S * (double)*bytes_per_period / (double)rate);
	}
}

static int
fail(char *err, unsigned int err_len, const char *msg)
{
	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "%s", msg);
	return -EINVAL;
}

int
meter_profile_init(struct meter_profile *p, const struct meter_params *q, char *err,
		unsigned int err_len)
{
	memset(p, 0, sizeof(*p));
	p->type = q->type;
	if (q->type == METER_NONE)
		return 0;
	if (q->type >= METER_TYPE_MAX)
		return fail(err, err_len, "unknown meter type");
	if (q->cir == 0)
		return fail(err, err_len, "cir must be greater than 0");
	if (q->cir > METER_RATE_MAX || q->pir > METER_RATE_MAX)
		return fail(err, err_len, "rates above 100 Gbit/s are refused");
	if (q->cbs == 0)
		return fail(err, err_len, "cbs must be greater than 0");
	switch (q->type) {
	case METER_SRTCM:
		p->p.sr.cbs = q->cbs;
		p->p.sr.ebs = q->pbs;
		tb_params(q->cir, &p->p.sr.cir_period, &p->p.sr.cir_bytes_per_period);
		break;
	case METER_TRTCM:
		if (q->pir < q->cir)
			return fail(err, err_len, "pir must be at least cir (RFC 2698)");
		if (q->pbs == 0)
			return fail(err, err_len, "pbs must be greater than 0 (RFC 2698)");
		p->p.tr.cbs = q->cbs;
		p->p.tr.pbs = q->pbs;
		tb_params(q->cir, &p->p.tr.cir_period, &p->p.tr.cir_bytes_per_period);
		tb_params(q->pir, &p->p.tr.pir_period, &p->p.tr.pir_bytes_per_period);
		break;
	case METER_TRTCM_4115:
		if (q->pir != 0 && q->pbs == 0)
			return fail(err, err_len, "ebs must be greater than 0 when eir is (RFC 4115)");
		p->p.t4.cbs = q->cbs;
		p->p.t4.ebs = q->pbs;
		tb_params(q->cir, &p->p.t4.cir_period, &p->p.t4.cir_bytes_per_period);
		tb_params(q->pir, &p->p.t4.eir_period, &p->p.t4.eir_bytes_per_period);
		break;
	}
	return 0;
}

void
meter_init(struct meter *m, const struct meter_profile *p, uint64_t now_ns)
{
	memset(m, 0, sizeof(*m));
	switch (p->type) {
	case METER_SRTCM:
		m->m.sr.time = now_ns;
		m->m.sr.tc = p->p.sr.cbs;
		m->m.sr.te = p->p.sr.ebs;
		break;
	case METER_TRTCM:
		m->m.tr.time_tc = now_ns;
		m->m.tr.time_tp = now_ns;
		m->m.tr.tc = p->p.tr.cbs;
		m->m.tr.tp = p->p.tr.pbs;
		break;
	case METER_TRTCM_4115:
		m->m.t4.time_tc = now_ns;
		m->m.t4.time_te = now_ns;
		m->m.t4.tc = p->p.t4.cbs;
		m->m.t4.te = p->p.t4.ebs;
		break;
	}
}

const char *
meter_type_name(unsigned int type)
{
	static const char *const names[METER_TYPE_MAX] = { "none", "srtcm", "trtcm",
		"trtcm_rfc4115" };

	return type < METER_TYPE_MAX ? names[type] : "?";
}

const char *
meter_colour_name(unsigned int colour)
{
	static const char *const names[METER_COLOURS] = { "green", "yellow", "red" };

	return colour < METER_COLOURS ? names[colour] : "?";
}
