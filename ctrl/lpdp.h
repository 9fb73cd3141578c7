/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Local policy decisions (the LPDP of RFC 2753): what vpep-ctrl decides for a call when no PDP
 * is connected, from the "lpdp" section of its configuration.
 *
 * Rules are tried in order; the first whose caller/callee URI globs (fnmatch(3)) and codec list
 * match decides. A matching admit rule still denies when the call's bandwidth exceeds the
 * rule's cap or its source (the INVITE's source address) already has max_calls_per_source
 * calls admitted by the LPDP. No rule matching -> the default verdict. Pure; the caller tells
 * lpdp_release() when an admitted call ends.
 */

#ifndef VPEP_CTRL_LPDP_H
#define VPEP_CTRL_LPDP_H

#include <stdint.h>

#include "vpep_ipc.h"

#define LPDP_MAX_RULES	64
#define LPDP_MAX_CODECS	8
#define LPDP_NAME_LEN	32
#define LPDP_SRC_BUCKETS 1024

struct lpdp_rule {
	char name[LPDP_NAME_LEN];
	char caller[VPEP_IPC_URI_LEN];	/* glob; "" = any */
	char callee[VPEP_IPC_URI_LEN];
	char codecs[LPDP_MAX_CODECS][16];
	uint8_t n_codecs;		/* 0 = any codec */
	uint8_t verdict;		/* enum vpep_ipc_verdict */
	uint8_t dscp;			/* 0..63 or VPEP_IPC_DSCP_KEEP */
	uint64_t max_bandwidth_bps;	/* 0 = no cap */
	uint32_t max_calls_per_source;	/* 0 = no limit */
	uint64_t rate_bps;		/* meter CIR; 0 = size from the codec (meter NONE) */
};

struct lpdp_src {
	struct lpdp_src *next;
	struct vpep_ipc_addr addr;
	uint32_t calls;
};

struct lpdp {
	struct lpdp_rule rules[LPDP_MAX_RULES];
	uint32_t n_rules;
	uint8_t default_verdict;
	uint8_t default_dscp;
	struct lpdp_src *src[LPDP_SRC_BUCKETS];
	uint64_t decisions;
	uint64_t admits;
	uint64_t denies;
};

void lpdp_init(struct lpdp *l);
void lpdp_free(struct lpdp *l);

/*
 * Decide a call. Fills d (verdict, dscp, meter, rule; call_handle and gate_id are the
 * caller's). Returns the index of the deciding rule, or -1 for the default. An admitted call
 * counts against its source until lpdp_release().
 */
int lpdp_decide(struct lpdp *l, const struct vpep_ipc_admission *a,
	struct vpep_ipc_decision *d);
/* An LPDP-admitted call ended (or was taken over by a PDP decision). */
void lpdp_release(struct lpdp *l, const struct vpep_ipc_addr *caller);
/* Calls currently admitted from a source. */
uint32_t lpdp_source_calls(const struct lpdp *l, const struct vpep_ipc_addr *caller);

#endif /* VPEP_CTRL_LPDP_H */
