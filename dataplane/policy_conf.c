/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy_conf.h"

static const char *const class_names[] = {
#define POLICY_CLASS_NAME(name, desc) #name,
	POLICY_CLASSES(POLICY_CLASS_NAME)
#undef POLICY_CLASS_NAME
	NULL
};

const char *
policy_class_name(unsigned int cls)
{
	return cls < POLICY_CLASS_MAX ? class_names[cls] : "?";
}

const char *
policy_action_name(unsigned int action)
{
	static const char *const names[] = { "pass", "remark", "drop" };

	return action < 3 ? names[action] : "?";
}

/* Scanner User-Agents seen in the wild (SIPVicious and its forks, sipcli, sundayddr...). */
static const char *const default_user_agents[] = {
	"friendly-scanner", "sipvicious", "sipcli", "sundayddr", "vaxsipuseragent", "sip-scan",
	"sipsak", "iwar", "sivus", "smap", "pplsip", "sipptk", "voipbuster", NULL
};

void
policy_conf_defaults(struct policy_conf *pc)
{
	unsigned int i;

	memset(pc, 0, sizeof(*pc));
	for (i = 0; i < POLICY_CLASS_MAX; i++)
		pc->cls[i].dscp = POLICY_DSCP_KEEP;
	pc->cls[POLICY_CLASS_voice].dscp = 46;
	pc->cls[POLICY_CLASS_video].dscp = 34;
	pc->cls[POLICY_CLASS_rtcp].dscp = 46;
	pc->cls[POLICY_CLASS_sip].dscp = 24;
	pc->cls[POLICY_CLASS_rtp_unsignalled].dscp = 0;
	pc->gate.from_codec = 1;
	pc->gate.burst_ms = 100;
	pc->gate.peak_percent = 125;
	pc->gate.unknown_codec_bps = 128000;
	pc->gate.video_bps = 2000000;
	pc->gate.t.dscp = 46;
	pc->gate.t.meter.type = METER_SRTCM;
	pc->gate.t.act[METER_RED].action = POLICY_ACT_DROP;
	pc->pending = POLICY_PENDING_CLASS;
	pc->default_verdict = POLICY_ADMIT;
	pc->protect.rate_rps = 0;
	pc->protect.rate_burst = 50;
	pc->protect.sources = 16384;
	pc->protect.rate_action = POLICY_PROTECT_DROP;
	pc->protect.scanner_action = POLICY_PROTECT_DROP;
	pc->protect.sweep_users = 20;
	pc->protect.sweep_window_s = 60;
	pc->protect.block_s = 600;
	for (i = 0; default_user_agents[i] != NULL; i++)
		snprintf(pc->protect.user_agents[i], POLICY_UA_LEN, "%s", default_user_agents[i]);
	pc->protect.n_user_agents = i;
}

/* ---- loading ---- */

static int
load_dscp(struct cfg *cf, json_t *o, const char *path, const char *key, uint8_t *out)
{
	json_t *v = json_object_get(o, key);
	char sub[512];
	uint64_t u;

	if (v == NULL)
		return 0;
	cfg_path(sub, sizeof(sub), path, key);
	if (json_is_string(v) && strcmp(json_string_value(v), "keep") == 0) {
		*out = POLICY_DSCP_KEEP;
		return 0;
	}
	if (cfg_expect_uint(cf, v, sub, 0, 63, &u))
		return -EINVAL;
	*out = (uint8_t)u;
	return 0;
}

/* "pass", "drop", or {"remark": DSCP} */
static int
load_colour_action(struct cfg *cf, json_t *o, const char *path, const char *key,
		struct policy_colour_action *a)
{
	json_t *v = json_object_get(o, key);
	static const char *const keys[] = { "remark", NULL };
	char sub[512];

	if (v == NULL)
		return 0;
	cfg_path(sub, sizeof(sub), path, key);
	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "pass") == 0) {
			a->action = POLICY_ACT_PASS;
			return 0;
		}
		if (strcmp(json_string_value(v), "drop") == 0) {
			a->action = POLICY_ACT_DROP;
			return 0;
		}
	} else if (json_is_object(v)) {
		if (cfg_only_keys(cf, v, sub, keys) || load_dscp(cf, v, sub, "remark", &a->dscp))
			return -EINVAL;
		if (json_object_get(v, "remark") == NULL || a->dscp == POLICY_DSCP_KEEP)
			return cfg_error(cf, sub, "remark needs a DSCP from 0 to 63");
		a->action = POLICY_ACT_REMARK;
		return 0;
	}
	return cfg_error(cf, sub, "expected \"pass\", \"drop\" or {\"remark\": DSCP}");
}

/*
 * A meter: {"type": "srtcm"|"trtcm"|"trtcm_rfc4115", "cir_kbps", "pir_kbps" (or "eir_kbps"),
 * "cbs_bytes", "pbs_bytes" (or "ebs_bytes")}. rates_required: false for gate defaults, whose
 * rates come from each call.
 */
static int
load_meter(struct cfg *cf, json_t *o, const char *path, struct meter_params *mp,
		bool rates_required)
{
	static const char *const keys[] = { "type", "cir_kbps", "pir_kbps", "eir_kbps", "cbs_bytes",
		"pbs_bytes", "ebs_bytes", NULL };
	static const char *const types[] = { "none", "srtcm", "trtcm", "trtcm_rfc4115", NULL };
	uint64_t u;
	int e = mp->type;

	if (cfg_only_keys(cf, o, path, keys) || cfg_enum(cf, o, path, "type", 1, types, &e))
		return -EINVAL;
	mp->type = (uint8_t)e;
	if (!rates_required) {
		if (json_object_get(o, "cir_kbps") || json_object_get(o, "pir_kbps") ||
				json_object_get(o, "eir_kbps"))
			return cfg_error(cf, path, "gate meter rates come from each call; give "
					"only type and bursts here");
		return 0;
	}
	if (mp->type == METER_NONE)
		return 0;
	if (cfg_uint(cf, o, path, "cir_kbps", 1, 1, 100000000, &u))
		return -EINVAL;
	mp->cir = u * 1000 / 8;
	if (cfg_uint(cf, o, path, mp->type == METER_TRTCM_4115 ? "eir_kbps" : "pir_kbps",
			    mp->type == METER_TRTCM, 0, 100000000, &u))
		return -EINVAL;
	mp->pir = u * 1000 / 8;
	u = 0;
	if (cfg_uint(cf, o, path, "cbs_bytes", 1, 1, 1ull << 32, &u))
		return -EINVAL;
	mp->cbs = u;
	u = 0;
	if (cfg_uint(cf, o, path, mp->type == METER_TRTCM ? "pbs_bytes" : "ebs_bytes",
			    mp->type == METER_TRTCM, 0, 1ull << 32, &u))
		return -EINVAL;
	mp->pbs = u;
	return 0;
}

/* dscp, meter, yellow, red of a class, rule or the gate defaults, then the profile. */
static int
load_treatment(struct cfg *cf, json_t *o, const char *path, struct policy_treatment *t,
		bool rates_required)
{
	char sub[512], err[200];
	json_t *m;

	if (load_dscp(cf, o, path, "dscp", &t->dscp))
		return -EINVAL;
	if (cfg_object(cf, o, path, "meter", &m))
		return -EINVAL;
	if (m != NULL && load_meter(cf, m, cfg_path(sub, sizeof(sub), path, "meter"), &t->meter,
				 rates_required))
		return -EINVAL;
	if (load_colour_action(cf, o, path, "yellow", &t->act[METER_YELLOW]) ||
			load_colour_action(cf, o, path, "red", &t->act[METER_RED]))
		return -EINVAL;
	if (rates_required && meter_profile_init(&t->profile, &t->meter, err, sizeof(err)) != 0)
		return cfg_error(cf, cfg_path(sub, sizeof(sub), path, "meter"), "%s", err);
	return 0;
}

static int
load_classes(struct cfg *cf, json_t *o, struct policy_conf *pc)
{
	static const char *const keys[] = { "dscp", "meter", "yellow", "red", NULL };
	char path[512];
	unsigned int i;
	json_t *c;

	if (cfg_only_keys(cf, o, "policy.classes", class_names))
		return -EINVAL;
	for (i = 0; i < POLICY_CLASS_MAX; i++) {
		if (cfg_object(cf, o, "policy.classes", class_names[i], &c))
			return -EINVAL;
		if (c == NULL)
			continue;
		cfg_path(path, sizeof(path), "policy.classes", class_names[i]);
		if (cfg_only_keys(cf, c, path, keys) || load_treatment(cf, c, path, &pc->cls[i], true))
			return -EINVAL;
	}
	return 0;
}

static int
load_gates(struct cfg *cf, json_t *o, struct policy_conf *pc)
{
	static const char *const keys[] = { "from_codec", "dscp", "meter", "yellow", "red",
		"burst_ms", "peak_percent", "unknown_codec_kbps", "video_kbps", "deny_signalling",
		NULL };
	static const char *const sig[] = { "pass", "drop", NULL };
	struct policy_gate_defaults *g = &pc->gate;
	uint64_t u;
	int b, e;

	if (cfg_only_keys(cf, o, "policy.gates", keys))
		return -EINVAL;
	b = g->from_codec;
	if (cfg_bool(cf, o, "policy.gates", "from_codec", 0, &b))
		return -EINVAL;
	g->from_codec = (uint8_t)b;
	if (load_treatment(cf, o, "policy.gates", &g->t, false))
		return -EINVAL;
	if (g->t.dscp == POLICY_DSCP_KEEP)
		return cfg_error(cf, "policy.gates.dscp", "a gate marks its media: give 0..63");
	u = g->burst_ms;
	if (cfg_uint(cf, o, "policy.gates", "burst_ms", 0, 1, 10000, &u))
		return -EINVAL;
	g->burst_ms = (uint32_t)u;
	u = g->peak_percent;
	if (cfg_uint(cf, o, "policy.gates", "peak_percent", 0, 100, 1000, &u))
		return -EINVAL;
	g->peak_percent = (uint32_t)u;
	u = g->unknown_codec_bps / 1000;
	if (cfg_uint(cf, o, "policy.gates", "unknown_codec_kbps", 0, 1, 10000000, &u))
		return -EINVAL;
	g->unknown_codec_bps = u * 1000;
	u = g->video_bps / 1000;
	if (cfg_uint(cf, o, "policy.gates", "video_kbps", 0, 1, 10000000, &u))
		return -EINVAL;
	g->video_bps = u * 1000;
	e = g->deny_signalling;
	if (cfg_enum(cf, o, "policy.gates", "deny_signalling", 0, sig, &e))
		return -EINVAL;
	g->deny_signalling = (uint8_t)e;
	return 0;
}

static int
load_codecs(struct cfg *cf, json_t *o, const char *path, char (*codecs)[16], uint8_t *n)
{
	json_t *a = json_object_get(o, "codec");
	char sub[512], el[512];
	size_t i, got = 0;

	cfg_path(sub, sizeof(sub), path, "codec");
	if (json_is_array(a) && json_array_size(a) == 0)
		return cfg_error(cf, sub, "give 1 to %d encoding names", POLICY_CODECS_MAX);
	if (cfg_string_array(cf, o, path, "codec", codecs[0], 16, POLICY_CODECS_MAX, &got))
		return -EINVAL;
	for (i = 0; i < got; i++)
		if (codecs[i][0] == '\0')
			return cfg_error(cf, cfg_path_index(el, sizeof(el), sub, i),
					"empty encoding name");
	*n = (uint8_t)got;
	return 0;
}

static int
load_rule(struct cfg *cf, json_t *o, const char *path, struct policy_conf *pc,
		struct policy_rule *r)
{
	static const char *const keys[] = { "name", "caller", "callee", "codec",
		"bandwidth_above_kbps", "calls_per_source_above", "action", "dscp", "meter", "yellow",
		"red", "deny_signalling", NULL };
	static const char *const actions[] = { "", "admit", "deny", NULL };
	static const char *const sig[] = { "pass", "drop", NULL };
	uint64_t u = 0;
	unsigned int i;
	int e = 0;

	if (!json_is_object(o))
		return cfg_error(cf, path, "a rule is an object");
	if (cfg_only_keys(cf, o, path, keys) ||
			cfg_string(cf, o, path, "name", 1, r->name, sizeof(r->name)) ||
			cfg_string(cf, o, path, "caller", 0, r->caller, sizeof(r->caller)) ||
			cfg_string(cf, o, path, "callee", 0, r->callee, sizeof(r->callee)) ||
			load_codecs(cf, o, path, r->codecs, &r->n_codecs) ||
			cfg_uint(cf, o, path, "bandwidth_above_kbps", 0, 1, 100000000, &u))
		return -EINVAL;
	if (r->name[0] == '\0')
		return cfg_error(cf, path, "name must not be empty");
	for (i = 0; i < pc->n_rules; i++)
		if (strcmp(pc->rules[i].name, r->name) == 0)
			return cfg_error(cf, path, "rule name \"%s\" is used twice", r->name);
	r->bandwidth_above_bps = u * 1000;
	u = 0;
	if (cfg_uint(cf, o, path, "calls_per_source_above", 0, 1, 1000000, &u))
		return -EINVAL;
	r->calls_per_source_above = (uint32_t)u;
	if (cfg_enum(cf, o, path, "action", 1, actions, &e))
		return -EINVAL;
	if (e == 0)
		return cfg_error(cf, path, "action must be \"admit\" or \"deny\"");
	r->verdict = (uint8_t)e;
	e = pc->gate.deny_signalling;
	if (cfg_enum(cf, o, path, "deny_signalling", 0, sig, &e))
		return -EINVAL;
	r->deny_signalling = (uint8_t)e;
	r->t = pc->gate.t;
	if (json_object_get(o, "meter") != NULL || json_object_get(o, "dscp") != NULL ||
			json_object_get(o, "yellow") != NULL || json_object_get(o, "red") != NULL) {
		if (r->verdict != POLICY_ADMIT)
			return cfg_error(cf, path, "dscp, meter, yellow and red belong to admit rules");
		r->t.meter.type = METER_NONE;
		if (load_treatment(cf, o, path, &r->t, true))
			return -EINVAL;
		if (json_object_get(o, "meter") != NULL)
			r->has_treatment = 1;
		if (r->t.dscp == POLICY_DSCP_KEEP)
			r->t.dscp = pc->gate.t.dscp;
	}
	return 0;
}

static int
load_rules(struct cfg *cf, json_t *a, struct policy_conf *pc)
{
	char path[512];
	json_t *v;
	size_t i;

	if (json_array_size(a) > POLICY_RULES_MAX)
		return cfg_error(cf, "policy.rules", "at most %d rules", POLICY_RULES_MAX);
	json_array_foreach(a, i, v) {
		struct policy_rule *r = &pc->rules[i];

		cfg_path_index(path, sizeof(path), "policy.rules", i);
		memset(r, 0, sizeof(*r));
		r->index = (uint32_t)i;
		if (load_rule(cf, v, path, pc, r))
			return -EINVAL;
		pc->n_rules = (uint32_t)i + 1;
	}
	return 0;
}

/* scanners.user_agents: non-empty substrings, matched case-insensitively (kept lower-case). */
static int
load_user_agents(struct cfg *cf, json_t *s, const char *path, struct policy_protect *p)
{
	char el[512];
	size_t i, j, n = p->n_user_agents;

	if (cfg_string_array(cf, s, path, "user_agents", p->user_agents[0], POLICY_UA_LEN,
			POLICY_SCANNER_UA_MAX, &n))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char *ua = p->user_agents[i];

		if (ua[0] == '\0')
			return cfg_error(cf, cfg_path_index(el, sizeof(el),
					"policy.protection.scanners.user_agents", i), "empty pattern");
		for (j = 0; ua[j] != '\0'; j++)
			ua[j] = (char)tolower((unsigned char)ua[j]);
	}
	p->n_user_agents = (uint32_t)n;
	return 0;
}

static int
load_protection(struct cfg *cf, json_t *o, struct policy_conf *pc)
{
	static const char *const keys[] = { "sip_rate", "scanners", "pinhole", NULL };
	static const char *const rkeys[] = { "requests_per_s", "burst", "sources", "action", NULL };
	static const char *const skeys[] = { "user_agents", "sweep_users", "sweep_window_s",
		"action", "mark_dscp", "block_s", NULL };
	static const char *const acts[] = { "drop", "mark", "count", NULL };
	struct policy_protect *p = &pc->protect;
	json_t *r, *s;
	uint64_t u;
	int e, b;

	if (cfg_only_keys(cf, o, "policy.protection", keys) ||
			cfg_object(cf, o, "policy.protection", "sip_rate", &r) ||
			cfg_object(cf, o, "policy.protection", "scanners", &s))
		return -EINVAL;
	if (r != NULL) {
		const char *rp = "policy.protection.sip_rate";

		if (cfg_only_keys(cf, r, rp, rkeys))
			return -EINVAL;
		u = p->rate_rps;
		if (cfg_uint(cf, r, rp, "requests_per_s", 1, 1, 10000000, &u))
			return -EINVAL;
		p->rate_rps = (uint32_t)u;
		u = p->rate_burst;
		if (cfg_uint(cf, r, rp, "burst", 0, 1, 10000000, &u))
			return -EINVAL;
		p->rate_burst = (uint32_t)u;
		u = p->sources;
		if (cfg_uint(cf, r, rp, "sources", 0, 64, 1u << 24, &u))
			return -EINVAL;
		if (u & (u - 1))
			return cfg_error(cf, "policy.protection.sip_rate.sources",
					"must be a power of two");
		p->sources = (uint32_t)u;
		e = p->rate_action;
		if (cfg_enum(cf, r, rp, "action", 0, acts, &e))
			return -EINVAL;
		p->rate_action = (uint8_t)e;
	}
	if (s != NULL) {
		const char *sp = "policy.protection.scanners";

		if (cfg_only_keys(cf, s, sp, skeys) || load_user_agents(cf, s, sp, p))
			return -EINVAL;
		u = p->sweep_users;
		if (cfg_uint(cf, s, sp, "sweep_users", 0, 0, 256, &u))
			return -EINVAL;
		p->sweep_users = (uint32_t)u;
		u = p->sweep_window_s;
		if (cfg_uint(cf, s, sp, "sweep_window_s", 0, 1, 3600, &u))
			return -EINVAL;
		p->sweep_window_s = (uint32_t)u;
		e = p->scanner_action;
		if (cfg_enum(cf, s, sp, "action", 0, acts, &e))
			return -EINVAL;
		p->scanner_action = (uint8_t)e;
		if (load_dscp(cf, s, sp, "mark_dscp", &p->mark_dscp))
			return -EINVAL;
		if (p->mark_dscp == POLICY_DSCP_KEEP)
			return cfg_error(cf, "policy.protection.scanners.mark_dscp", "give 0..63");
		u = p->block_s;
		if (cfg_uint(cf, s, sp, "block_s", 0, 0, 30 * 86400, &u))
			return -EINVAL;
		p->block_s = (uint32_t)u;
	}
	b = p->pinhole;
	if (cfg_bool(cf, o, "policy.protection", "pinhole", 0, &b))
		return -EINVAL;
	p->pinhole = (uint8_t)b;
	return 0;
}

int
policy_conf_load(struct cfg *cf, json_t *obj, const char *parent, struct policy_conf *pc)
{
	static const char *const keys[] = { "classes", "gates", "admission", "rules",
		"protection", NULL };
	static const char *const akeys[] = { "pending", "default", "local_rules", NULL };
	static const char *const pending[] = { "class", "hold", NULL };
	static const char *const verdicts[] = { "", "admit", "deny", NULL };
	json_t *o;
	int e, b;

	(void)parent;
	policy_conf_defaults(pc);
	if (!json_is_object(obj))
		return cfg_error(cf, "policy", "expected an object");
	if (cfg_only_keys(cf, obj, "policy", keys))
		return -EINVAL;
	if (cfg_object(cf, obj, "policy", "classes", &o) || (o != NULL && load_classes(cf, o, pc)))
		return -EINVAL;
	if (cfg_object(cf, obj, "policy", "gates", &o) || (o != NULL && load_gates(cf, o, pc)))
		return -EINVAL;
	if (cfg_object(cf, obj, "policy", "admission", &o))
		return -EINVAL;
	if (o != NULL) {
		if (cfg_only_keys(cf, o, "policy.admission", akeys))
			return -EINVAL;
		e = pc->pending;
		if (cfg_enum(cf, o, "policy.admission", "pending", 0, pending, &e))
			return -EINVAL;
		pc->pending = (uint8_t)e;
		e = pc->default_verdict;
		if (cfg_enum(cf, o, "policy.admission", "default", 0, verdicts, &e))
			return -EINVAL;
		if (e == 0)
			return cfg_error(cf, "policy.admission.default", "must be admit or deny");
		pc->default_verdict = (uint8_t)e;
		b = pc->local_rules;
		if (cfg_bool(cf, o, "policy.admission", "local_rules", 0, &b))
			return -EINVAL;
		pc->local_rules = (uint8_t)b;
	}
	if (cfg_array(cf, obj, "policy", "rules", &o) || (o != NULL && load_rules(cf, o, pc)))
		return -EINVAL;
	if (cfg_object(cf, obj, "policy", "protection", &o) ||
			(o != NULL && load_protection(cf, o, pc)))
		return -EINVAL;
	return 0;
}

/* ---- matching ---- */

bool
policy_glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	/* Iterative with one backtrack point: linear in practice, no recursion to blow up. */
	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static bool
codec_listed(const struct policy_rule *r, const char *codec)
{
	unsigned int i;

	for (i = 0; i < r->n_codecs; i++)
		if (strcasecmp(r->codecs[i], codec) == 0)
			return true;
	return false;
}

static bool
rule_matches(const struct policy_rule *r, const struct policy_call_facts *f)
{
	unsigned int i;

	if (r->caller[0] != '\0' && !policy_glob(r->caller, f->caller ? f->caller : ""))
		return false;
	if (r->callee[0] != '\0' && !policy_glob(r->callee, f->callee ? f->callee : ""))
		return false;
	if (r->bandwidth_above_bps != 0 && f->bandwidth_bps <= r->bandwidth_above_bps)
		return false;
	if (r->calls_per_source_above != 0 && f->source_calls < r->calls_per_source_above)
		return false;
	if (r->n_codecs != 0) {
		for (i = 0; i < f->n_codecs; i++)
			if (codec_listed(r, f->codecs[i]))
				break;
		if (i == f->n_codecs)
			return false;
	}
	return true;
}

const struct policy_rule *
policy_rule_match(const struct policy_conf *pc, const struct policy_call_facts *f)
{
	unsigned int i;

	for (i = 0; i < pc->n_rules; i++)
		if (rule_matches(&pc->rules[i], f))
			return &pc->rules[i];
	return NULL;
}

/* ---- codec bandwidth ---- */

static const struct {
	const char *name;
	uint32_t payload_bps;	/* at its usual rate */
} codec_rates[] = {
	{ "PCMU", 64000 }, { "PCMA", 64000 }, { "G722", 64000 }, { "G729", 8000 },
	{ "G7291", 32000 }, { "G723", 6300 }, { "GSM", 13200 }, { "iLBC", 15200 },
	{ "G726-32", 32000 }, { "G726-40", 40000 }, { "G726-24", 24000 }, { "G726-16", 16000 },
	{ "L16", 128000 }, { "speex", 24600 }, { "opus", 64000 }, { "AMR", 12200 },
	{ "AMR-WB", 23850 }, { "telephone-event", 0 }, { "CN", 0 },
};

uint64_t
policy_codec_bps(const char *codec, uint32_t clock, uint8_t family)
{
	unsigned int i;
	uint64_t hdr = 12 + 8 + (family == 6 ? 40 : 20);

	for (i = 0; i < sizeof(codec_rates) / sizeof(codec_rates[0]); i++) {
		if (strcasecmp(codec_rates[i].name, codec) != 0)
			continue;
		if (codec_rates[i].payload_bps == 0)
			return 0;
		/* L16 is 16 bits per sample per channel at its clock */
		if (strcasecmp(codec, "L16") == 0 && clock != 0)
			return (uint64_t)clock * 16 + hdr * 8 * 50;
		/* 20 ms packets: 50 per second, each carrying the headers once */
		return codec_rates[i].payload_bps + hdr * 8 * 50;
	}
	return 0;
}
