/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lpdp.h"

void
lpdp_init(struct lpdp *l)
{
	memset(l, 0, sizeof(*l));
	l->default_verdict = VPEP_IPC_VERDICT_ADMIT;
	l->default_dscp = VPEP_IPC_DSCP_KEEP;
}

void
lpdp_free(struct lpdp *l)
{
	uint32_t i;

	for (i = 0; i < LPDP_SRC_BUCKETS; i++) {
		struct lpdp_src *s = l->src[i], *n;

		for (; s != NULL; s = n) {
			n = s->next;
			free(s);
		}
		l->src[i] = NULL;
	}
}

static uint32_t
addr_hash(const struct vpep_ipc_addr *a)
{
	uint32_t h = 2166136261u;
	unsigned int i;

	for (i = 0; i < sizeof(a->addr); i++)
		h = (h ^ a->addr[i]) * 16777619u;
	return (h ^ a->family) & (LPDP_SRC_BUCKETS - 1);
}

static struct lpdp_src *
src_find(const struct lpdp *l, const struct vpep_ipc_addr *a)
{
	struct lpdp_src *s = l->src[addr_hash(a)];

	while (s != NULL && (s->addr.family != a->family ||
			memcmp(s->addr.addr, a->addr, sizeof(a->addr)) != 0))
		s = s->next;
	return s;
}

uint32_t
lpdp_source_calls(const struct lpdp *l, const struct vpep_ipc_addr *caller)
{
	const struct lpdp_src *s = src_find(l, caller);

	return s != NULL ? s->calls : 0;
}

static void
src_add(struct lpdp *l, const struct vpep_ipc_addr *a)
{
	struct lpdp_src *s = src_find(l, a);

	if (s == NULL) {
		uint32_t b = addr_hash(a);

		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return;	/* the limit is then not enforced for this source: logged by counts */
		s->addr.family = a->family;
		memcpy(s->addr.addr, a->addr, sizeof(s->addr.addr));
		s->next = l->src[b];
		l->src[b] = s;
	}
	s->calls++;
}

void
lpdp_release(struct lpdp *l, const struct vpep_ipc_addr *caller)
{
	struct lpdp_src *s = src_find(l, caller);

	if (s != NULL && s->calls > 0)
		s->calls--;
}

/* A bounded copy: the event's strings are fixed arrays that may lack their NUL. */
static void
cstr(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n - 1);
	dst[n - 1] = '\0';
}

static int
codec_match(const struct lpdp_rule *r, const struct vpep_ipc_admission *a)
{
	unsigned int i, j;

	if (r->n_codecs == 0)
		return 1;
	for (i = 0; i < a->n_media && i < VPEP_IPC_MAX_MEDIA; i++) {
		char codec[sizeof(a->media[i].codec) + 1];

		cstr(codec, a->media[i].codec, sizeof(codec));
		for (j = 0; j < r->n_codecs; j++)
			if (strcasecmp(codec, r->codecs[j]) == 0)
				return 1;
	}
	return 0;
}

static uint64_t
call_bandwidth(const struct vpep_ipc_admission *a)
{
	uint64_t bw = 0;
	unsigned int i;

	for (i = 0; i < a->n_media && i < VPEP_IPC_MAX_MEDIA; i++)
		bw += a->media[i].bandwidth_bps;
	return bw;
}

int
lpdp_decide(struct lpdp *l, const struct vpep_ipc_admission *a, struct vpep_ipc_decision *d)
{
	char from[VPEP_IPC_URI_LEN], to[VPEP_IPC_URI_LEN];
	const struct lpdp_rule *r = NULL;
	uint32_t i;
	int idx = -1;

	cstr(from, a->from_uri, sizeof(from));
	cstr(to, a->to_uri, sizeof(to));
	for (i = 0; i < l->n_rules; i++) {
		r = &l->rules[i];
		if (r->caller[0] && fnmatch(r->caller, from, 0) != 0)
			continue;
		if (r->callee[0] && fnmatch(r->callee, to, 0) != 0)
			continue;
		if (!codec_match(r, a))
			continue;
		idx = (int)i;
		break;
	}
	d->deny_signalling = 0;
	d->source = VPEP_IPC_SOURCE_LPDP;
	memset(&d->meter, 0, sizeof(d->meter));
	if (idx < 0) {
		d->verdict = l->default_verdict;
		d->dscp = l->default_dscp;
		snprintf(d->rule, sizeof(d->rule), "lpdp:default");
	} else {
		d->verdict = r->verdict;
		d->dscp = r->dscp;
		snprintf(d->rule, sizeof(d->rule), "lpdp:%s", r->name);
		if (d->verdict == VPEP_IPC_VERDICT_ADMIT && r->max_bandwidth_bps &&
				call_bandwidth(a) > r->max_bandwidth_bps) {
			d->verdict = VPEP_IPC_VERDICT_DENY;
			snprintf(d->rule, sizeof(d->rule), "lpdp:%s:bandwidth", r->name);
		}
		if (d->verdict == VPEP_IPC_VERDICT_ADMIT && r->max_calls_per_source &&
				lpdp_source_calls(l, &a->caller_addr) >= r->max_calls_per_source) {
			d->verdict = VPEP_IPC_VERDICT_DENY;
			snprintf(d->rule, sizeof(d->rule), "lpdp:%s:calls", r->name);
		}
		if (d->verdict == VPEP_IPC_VERDICT_ADMIT && r->rate_bps) {
			d->meter.type = VPEP_IPC_METER_SRTCM;
			d->meter.red_action = VPEP_IPC_ACT_DROP;
			d->meter.cir = r->rate_bps / 8;
			d->meter.cbs = d->meter.cir / 10 > 1500 ? d->meter.cir / 10 : 1500;
			d->meter.pbs = d->meter.cbs;
		}
	}
	if (d->verdict == VPEP_IPC_VERDICT_DENY)
		d->dscp = VPEP_IPC_DSCP_KEEP;
	l->decisions++;
	if (d->verdict == VPEP_IPC_VERDICT_ADMIT) {
		l->admits++;
		src_add(l, &a->caller_addr);
	} else {
		l->denies++;
	}
	return idx;
}
