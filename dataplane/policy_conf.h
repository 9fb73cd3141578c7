/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The policy model (docs/policy.md): traffic classes with a DSCP mark, a meter and an action
 * per colour; defaults for per-call gates; admission while no decision is known; local rules
 * that decide calls when no control plane does; SIP protection.
 *
 * Pure: loading checks everything and either fills a whole struct policy_conf or returns an
 * error naming file:line:column and the key path (common/cfg.h), so a rule set that fails
 * validation is refused whole. Matching a call against the rules is a pure function too; the
 * running dataplane publishes a loaded policy by pointer (policy.c).
 */

#ifndef POLICY_CONF_H
#define POLICY_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "meter.h"

/* Traffic classes policy is defined for: X(name, description). Appending only. */
#define POLICY_CLASSES(X) \
	X(voice, "RTP of audio m= lines a call announced") \
	X(video, "RTP of video m= lines a call announced") \
	X(rtcp, "RTCP announced by SDP (separate port or multiplexed)") \
	X(sip, "SIP signalling") \
	X(rtp_unsignalled, "RTP no SDP announced") \
	X(http, "HTTP/1.x") \
	X(pop3, "POP3") \
	X(cwmp, "TR-069 CWMP") \
	X(cip, "CIP over EtherNet/IP") \
	X(cops, "COPS") \
	X(rtsp, "RTSP") \
	X(default, "everything else (unknown and not yet classified)")

enum policy_class {
#define POLICY_CLASS_ENUM(name, desc) POLICY_CLASS_##name,
	POLICY_CLASSES(POLICY_CLASS_ENUM)
#undef POLICY_CLASS_ENUM
	POLICY_CLASS_MAX
};

enum policy_action {
	POLICY_ACT_PASS = 0,
	POLICY_ACT_REMARK = 1,	/* set the action's DSCP */
	POLICY_ACT_DROP = 2,
};

#define POLICY_DSCP_KEEP 0xff	/* leave the packet's DSCP as it came */

struct policy_colour_action {
	uint8_t action;	/* enum policy_action */
	uint8_t dscp;	/* with POLICY_ACT_REMARK */
};

/* What a class, a rule or a gate does to its packets. */
struct policy_treatment {
	uint8_t dscp;				/* mark for green packets, or POLICY_DSCP_KEEP */
	struct meter_params meter;
	struct meter_profile profile;		/* computed from meter at load */
	struct policy_colour_action act[METER_COLOURS];	/* [green] is always pass */
};

enum policy_verdict {
	POLICY_ADMIT = 1,
	POLICY_DENY = 2,
};

enum policy_pending {
	POLICY_PENDING_CLASS = 0,	/* undecided calls' media get their class treatment */
	POLICY_PENDING_HOLD = 1,	/* undecided calls' media are dropped */
};

enum policy_protect_action {
	POLICY_PROTECT_DROP = 0,
	POLICY_PROTECT_MARK = 1,	/* pass, remarked to mark_dscp */
	POLICY_PROTECT_COUNT = 2,	/* pass untouched, counted */
};

#define POLICY_NAME_MAX 32
#define POLICY_PATTERN_MAX 128
#define POLICY_CODECS_MAX 8
#define POLICY_RULES_MAX 256
#define POLICY_SCANNER_UA_MAX 32
#define POLICY_UA_LEN 48

struct policy_rule {
	char name[POLICY_NAME_MAX];
	char caller[POLICY_PATTERN_MAX];	/* glob over the From URI; "" = any */
	char callee[POLICY_PATTERN_MAX];	/* glob over the To URI; "" = any */
	char codecs[POLICY_CODECS_MAX][16];	/* any of these encoding names (case-insensitive) */
	uint8_t n_codecs;
	uint8_t verdict;			/* enum policy_verdict */
	uint8_t deny_signalling;		/* deny: drop the call's later SIP too */
	uint8_t has_treatment;			/* admit: treatment below, else gate defaults */
	uint64_t bandwidth_above_bps;		/* match calls needing more; 0 = any */
	uint32_t calls_per_source_above;	/* match when the source has more active; 0 = any */
	uint32_t index;
	struct policy_treatment t;
};

struct policy_gate_defaults {
	uint8_t from_codec;	/* size gate meters from the codec bandwidth */
	uint8_t deny_signalling;
	uint32_t burst_ms;	/* committed burst as this much time at CIR */
	uint32_t peak_percent;	/* trTCM PIR = CIR x this / 100 */
	uint64_t unknown_codec_bps;
	uint64_t video_bps;
	struct policy_treatment t; /* dscp and colour actions; meter type (rates come per call) */
};

struct policy_protect {
	/* per-source SIP request rate */
	uint32_t rate_rps;		/* 0 = off */
	uint32_t rate_burst;
	uint32_t sources;		/* table size (power of two) */
	uint8_t rate_action;		/* enum policy_protect_action */
	/* scanners */
	uint8_t scanner_action;
	uint8_t mark_dscp;
	uint8_t pinhole;		/* drop RTP/UDP to ports no SDP opened */
	uint32_t n_user_agents;
	char user_agents[POLICY_SCANNER_UA_MAX][POLICY_UA_LEN]; /* lower-case substrings */
	uint32_t sweep_users;		/* distinct To users from one source ... (0 = off) */
	uint32_t sweep_window_s;	/* ... within this window makes it a scanner */
	uint32_t block_s;		/* blocklist expiry */
};

struct policy_conf {
	struct policy_treatment cls[POLICY_CLASS_MAX];
	struct policy_gate_defaults gate;
	uint8_t pending;		/* enum policy_pending */
	uint8_t default_verdict;	/* when no rule matches and no control plane decides */
	uint8_t local_rules;		/* rules decide even when a control plane is attached */
	uint32_t n_rules;
	struct policy_rule rules[POLICY_RULES_MAX];
	struct policy_protect protect;
};

/* The built-in policy (docs/policy.md): voice and RTCP EF (46), video AF41 (34), SIP CS3 (24),
 * unsignalled RTP best effort (0), other classes unchanged; no meters; admit by default. */
void policy_conf_defaults(struct policy_conf *pc);

/*
 * Load the "policy" object obj (path parent) over the defaults. 0, or -EINVAL with the
 * message in cf->err (file:line:column: key: problem). pc is fully written either way;
 * callers keep their previous policy on failure.
 */
int policy_conf_load(struct cfg *cf, json_t *obj, const char *parent, struct policy_conf *pc);

/* What local rules know about a call. */
struct policy_call_facts {
	const char *caller;	/* From URI */
	const char *callee;	/* To URI */
	const char (*codecs)[16];
	unsigned int n_codecs;
	uint64_t bandwidth_bps;	/* both directions of all media summed per direction */
	uint32_t source_calls;	/* active calls from the caller's address, this one excluded */
};

/* First rule that matches, or NULL. */
const struct policy_rule *policy_rule_match(const struct policy_conf *pc,
		const struct policy_call_facts *f);

/* Glob match: '*' any run, '?' one character, everything else literal (case-sensitive). */
bool policy_glob(const char *pattern, const char *s);

const char *policy_class_name(unsigned int cls);
const char *policy_action_name(unsigned int action);

/*
 * Bandwidth of one direction of a stream in bits/s on the IP layer: codec payload at a 20 ms
 * packet time plus RTP (12), UDP (8) and IP (20 or 40) headers. 0 when the codec is unknown.
 */
uint64_t policy_codec_bps(const char *codec, uint32_t clock, uint8_t family);

#endif /* POLICY_CONF_H */
