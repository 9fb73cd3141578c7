/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-pdp's policy (configs/pdp-policy.json, docs/configuration.md "vpep-pdp"): timers to
 * hand out in CAT, rules matched in order on caller/callee URI globs and codecs, bandwidth
 * caps, concurrent calls per subscriber, DSCP per traffic class, and gates pushed to every PEP
 * that opens a provisioning handle. Loading is pure (errors carry file:line:col and the key
 * path); pdp_policy_decide() is pure and keeps the per-subscriber call counts.
 */

#ifndef VPEP_PDP_POLICY_H
#define VPEP_PDP_POLICY_H

#include <stdint.h>

#include "pep_csi.h"

#define PDP_MAX_RULES		64
#define PDP_MAX_CLASSES		16
#define PDP_MAX_PUSH		16
#define PDP_NAME_LEN		32
#define PDP_MAX_CODECS		8
#define PDP_SUB_BUCKETS		1024

struct pdp_class {
	char name[PDP_NAME_LEN];
	uint8_t dscp;
};

struct pdp_rule {
	char name[PDP_NAME_LEN];
	char caller[128];		/* fnmatch glob, "" = any */
	char callee[128];
	char codecs[PDP_MAX_CODECS][16];
	uint8_t n_codecs;
	uint8_t admit;
	uint8_t cls;			/* index into classes */
	uint64_t max_bandwidth_bps;	/* 0 = no cap */
	uint32_t max_calls_per_subscriber;	/* 0 = no limit */
	uint64_t rate_bps;		/* meter rate given in the gate; 0 = the call's bandwidth */
	uint64_t burst_bytes;		/* token bucket size given; 0 = 200 ms of the rate */
};

struct pdp_push {
	struct pcmm_classifier cls;
	uint8_t upstream;
	uint8_t cls_idx;
	uint64_t rate_bps;
};

struct pdp_sub {
	struct pdp_sub *next;
	struct pcmm_subscriber_id id;
	uint32_t calls;
};

struct pdp_policy {
	uint16_t ka_timer_s;
	uint16_t acct_timer_s;
	struct pdp_class classes[PDP_MAX_CLASSES];
	uint32_t n_classes;
	struct pdp_rule rules[PDP_MAX_RULES];
	uint32_t n_rules;
	uint8_t default_admit;
	uint8_t default_cls;
	struct pdp_push push[PDP_MAX_PUSH];
	uint32_t n_push;
	struct pdp_sub *subs[PDP_SUB_BUCKETS];
};

struct pdp_verdict {
	int admit;
	uint8_t dscp;
	uint64_t rate_bps;
	uint64_t burst_bytes;
	char rule[PDP_NAME_LEN + 16];
	char reason[48];
};

/* Load (text != NULL: parse text, errors name `file`). 0 or -errno with err filled. */
int pdp_policy_load(struct pdp_policy *p, const char *file, const char *text, size_t len,
	char *err, size_t cap);
void pdp_policy_free(struct pdp_policy *p);
/* Decide a call; an admitted call counts against its subscriber until pdp_policy_release(). */
void pdp_policy_decide(struct pdp_policy *p, const struct pep_csi_call *c,
	struct pdp_verdict *v);
void pdp_policy_release(struct pdp_policy *p, const struct pcmm_subscriber_id *sub);
uint32_t pdp_policy_calls(const struct pdp_policy *p, const struct pcmm_subscriber_id *sub);
/* A push gate as a PCMM Gate-Set (txn set by the caller). */
void pdp_policy_push_gate(const struct pdp_policy *p, uint32_t i, struct pcmm_gate *g);

#endif /* VPEP_PDP_POLICY_H */
