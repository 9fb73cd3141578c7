/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "pdp_policy.h"

static int
class_index(const struct pdp_policy *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < p->n_classes; i++)
		if (strcmp(p->classes[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
load_class_ref(struct cfg *cf, struct pdp_policy *p, json_t *o, const char *path, uint8_t *out)
{
	char name[PDP_NAME_LEN] = "default", sub[256];
	int i;

	if (cfg_string(cf, o, path, "class", 0, name, sizeof(name)))
		return -EINVAL;
	i = class_index(p, name);
	if (i < 0)
		return cfg_error(cf, cfg_path(sub, sizeof(sub), path, "class"),
			"no class \"%s\" in \"dscp\"", name);
	*out = (uint8_t)i;
	return 0;
}

static int
load_rule(struct cfg *cf, struct pdp_policy *p, json_t *o, const char *path, struct pdp_rule *r)
{
	static const char *const keys[] = {"name", "caller", "callee", "codecs", "verdict", "class",
		"max_bandwidth_bps", "max_calls_per_subscriber", "rate_bps", "burst_bytes", NULL};
	static const char *const verdicts[] = {"admit", "deny", NULL};
	uint64_t u = 0;
	size_t n;
	int e = 0;

	if (!json_is_object(o))
		return cfg_error(cf, path, "expected an object");
	if (cfg_only_keys(cf, o, path, keys) ||
			cfg_string(cf, o, path, "name", 1, r->name, sizeof(r->name)) ||
			cfg_string(cf, o, path, "caller", 0, r->caller, sizeof(r->caller)) ||
			cfg_string(cf, o, path, "callee", 0, r->callee, sizeof(r->callee)) ||
			cfg_enum(cf, o, path, "verdict", 1, verdicts, &e) ||
			load_class_ref(cf, p, o, path, &r->cls) ||
			cfg_uint(cf, o, path, "max_bandwidth_bps", 0, 0, 1ull << 40,
				&r->max_bandwidth_bps) ||
			cfg_uint(cf, o, path, "rate_bps", 0, 0, 1ull << 40, &r->rate_bps) ||
			cfg_uint(cf, o, path, "burst_bytes", 0, 0, 1ull << 32, &r->burst_bytes) ||
			cfg_uint(cf, o, path, "max_calls_per_subscriber", 0, 0, 1u << 30, &u))
		return -EINVAL;
	r->admit = e == 0;
	r->max_calls_per_subscriber = (uint32_t)u;
	n = r->n_codecs;
	if (cfg_string_array(cf, o, path, "codecs", r->codecs[0], sizeof(r->codecs[0]),
			PDP_MAX_CODECS, &n))
		return -EINVAL;
	r->n_codecs = (uint8_t)n;
	return 0;
}

/* "10.0.0.1", "10.0.0.0/24", "2001:db8::/64" */
static int
parse_prefix(const char *s, uint8_t *addr, uint8_t *mask4, uint8_t *plen, int *family)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long bits;
	char *end;
	unsigned int i;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*family = 6;
	else
		return -1;
	bits = *family == 4 ? 32 : 128;
	if (slash != NULL) {
		bits = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1 || bits > (*family == 4 ? 32u : 128u))
			return -1;
	}
	*plen = (uint8_t)bits;
	memset(mask4, 0, 4);
	for (i = 0; i < 32 && *family == 4; i++)
		if (i < bits)
			mask4[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return 0;
}

static int
load_push(struct cfg *cf, struct pdp_policy *p, json_t *o, const char *path, struct pdp_push *g)
{
	static const char *const keys[] = {"src", "dst", "protocol", "sport", "dport", "class",
		"rate_bps", "direction", NULL};
	static const char *const dirs[] = {"downstream", "upstream", NULL};
	char src[64] = "", dst[64] = "", sub[256];
	uint64_t u;
	int fs = 0, fd = 0, dir = 0;
	struct pcmm_classifier *c = &g->cls;

	if (!json_is_object(o))
		return cfg_error(cf, path, "expected an object");
	if (cfg_only_keys(cf, o, path, keys) ||
			cfg_string(cf, o, path, "src", 0, src, sizeof(src)) ||
			cfg_string(cf, o, path, "dst", 0, dst, sizeof(dst)) ||
			cfg_enum(cf, o, path, "direction", 0, dirs, &dir) ||
			load_class_ref(cf, p, o, path, &g->cls_idx) ||
			cfg_uint(cf, o, path, "rate_bps", 0, 0, 1ull << 40, &g->rate_bps))
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	if (src[0] && parse_prefix(src, c->src, c->src_mask, &c->src_prefix, &fs))
		return cfg_error(cf, cfg_path(sub, sizeof(sub), path, "src"),
			"\"%s\" is not an address or prefix", src);
	if (dst[0] && parse_prefix(dst, c->dst, c->dst_mask, &c->dst_prefix, &fd))
		return cfg_error(cf, cfg_path(sub, sizeof(sub), path, "dst"),
			"\"%s\" is not an address or prefix", dst);
	if (fs && fd && fs != fd)
		return cfg_error(cf, path, "src and dst are of different address families");
	c->s_type = (fs == 6 || fd == 6) ? PCMM_CLS_IPV6 : PCMM_CLS_EXTENDED;
	u = 256;
	if (cfg_uint(cf, o, path, "protocol", 0, 0, 256, &u))
		return -EINVAL;
	c->protocol = (uint16_t)u;
	u = 0;
	if (cfg_uint(cf, o, path, "sport", 0, 0, 65535, &u))
		return -EINVAL;
	c->sport = c->sport_end = (uint16_t)u;
	u = 0;
	if (cfg_uint(cf, o, path, "dport", 0, 0, 65535, &u))
		return -EINVAL;
	c->dport = c->dport_end = (uint16_t)u;
	if (c->sport == 0)
		c->sport_end = 65535;
	if (c->dport == 0)
		c->dport_end = 65535;
	c->id = 1;
	c->priority = 64;
	c->activation = PCMM_CLS_ACTIVE;
	c->action = PCMM_CLS_ADD;
	g->upstream = dir == 1;
	return 0;
}

static int
load_root(struct cfg *cf, struct pdp_policy *p)
{
	static const char *const keys[] = {"ka_timer_s", "acct_timer_s", "dscp", "default", "rules",
		"push_gates", NULL};
	static const char *const dkeys[] = {"verdict", "class", NULL};
	static const char *const verdicts[] = {"admit", "deny", NULL};
	json_t *root = cf->root, *o, *v;
	const char *k;
	char el[256];
	uint64_t u;
	size_t i;
	int e = 1;

	if (cfg_only_keys(cf, root, NULL, keys))
		return -EINVAL;
	u = 30;
	if (cfg_uint(cf, root, NULL, "ka_timer_s", 0, 0, 65535, &u))
		return -EINVAL;
	p->ka_timer_s = (uint16_t)u;
	u = 0;
	if (cfg_uint(cf, root, NULL, "acct_timer_s", 0, 0, 65535, &u))
		return -EINVAL;
	p->acct_timer_s = (uint16_t)u;
	/* classes first: rules and gates refer to them by name */
	snprintf(p->classes[0].name, sizeof(p->classes[0].name), "default");
	p->classes[0].dscp = 0;
	p->n_classes = 1;
	if (cfg_object(cf, root, NULL, "dscp", &o))
		return -EINVAL;
	if (o != NULL) {
		json_object_foreach(o, k, v) {
			int idx = class_index(p, k);

			cfg_path(el, sizeof(el), "dscp", k);
			if (idx < 0) {
				if (p->n_classes == PDP_MAX_CLASSES)
					return cfg_error(cf, el, "at most %d classes", PDP_MAX_CLASSES);
				if (strlen(k) >= PDP_NAME_LEN)
					return cfg_error(cf, el, "class name longer than %d characters",
						PDP_NAME_LEN - 1);
				idx = (int)p->n_classes++;
				snprintf(p->classes[idx].name, PDP_NAME_LEN, "%s", k);
			}
			if (cfg_expect_uint(cf, v, el, 0, 63, &u))
				return -EINVAL;
			p->classes[idx].dscp = (uint8_t)u;
		}
	}
	if (cfg_object(cf, root, NULL, "default", &o))
		return -EINVAL;
	p->default_admit = 0;
	if (o != NULL) {
		if (cfg_only_keys(cf, o, "default", dkeys) ||
				cfg_enum(cf, o, "default", "verdict", 0, verdicts, &e) ||
				load_class_ref(cf, p, o, "default", &p->default_cls))
			return -EINVAL;
		p->default_admit = e == 0;
	}
	if (cfg_array(cf, root, NULL, "rules", &o))
		return -EINVAL;
	if (o != NULL) {
		if (json_array_size(o) > PDP_MAX_RULES)
			return cfg_error(cf, "rules", "at most %d rules", PDP_MAX_RULES);
		json_array_foreach(o, i, v) {
			cfg_path_index(el, sizeof(el), "rules", i);
			if (load_rule(cf, p, v, el, &p->rules[i]))
				return -EINVAL;
		}
		p->n_rules = (uint32_t)json_array_size(o);
	}
	if (cfg_array(cf, root, NULL, "push_gates", &o))
		return -EINVAL;
	if (o != NULL) {
		if (json_array_size(o) > PDP_MAX_PUSH)
			return cfg_error(cf, "push_gates", "at most %d gates", PDP_MAX_PUSH);
		json_array_foreach(o, i, v) {
			cfg_path_index(el, sizeof(el), "push_gates", i);
			if (load_push(cf, p, v, el, &p->push[i]))
				return -EINVAL;
		}
		p->n_push = (uint32_t)json_array_size(o);
	}
	return 0;
}

int
pdp_policy_load(struct pdp_policy *p, const char *file, const char *text, size_t len,
	char *err, size_t cap)
{
	struct cfg cf;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = text != NULL ? cfg_load_text(&cf, file, text, len) : cfg_load(&cf, file);
	if (rc == 0)
		rc = load_root(&cf, p);
	if (rc != 0 && err != NULL)
		snprintf(err, cap, "%s", cf.err);
	cfg_free(&cf);
	return rc;
}

static uint32_t
sub_hash(const struct pcmm_subscriber_id *s)
{
	uint32_t h = 2166136261u;
	unsigned int i;

	for (i = 0; i < 16; i++)
		h = (h ^ s->addr[i]) * 16777619u;
	return h & (PDP_SUB_BUCKETS - 1);
}

static struct pdp_sub *
sub_find(const struct pdp_policy *p, const struct pcmm_subscriber_id *id)
{
	struct pdp_sub *s = p->subs[sub_hash(id)];

	while (s != NULL && (s->id.family != id->family || memcmp(s->id.addr, id->addr, 16)))
		s = s->next;
	return s;
}

uint32_t
pdp_policy_calls(const struct pdp_policy *p, const struct pcmm_subscriber_id *sub)
{
	const struct pdp_sub *s = sub_find(p, sub);

	return s ? s->calls : 0;
}

void
pdp_policy_release(struct pdp_policy *p, const struct pcmm_subscriber_id *sub)
{
	struct pdp_sub *s = sub_find(p, sub);

	if (s != NULL && s->calls)
		s->calls--;
}

void
pdp_policy_free(struct pdp_policy *p)
{
	uint32_t i;

	for (i = 0; i < PDP_SUB_BUCKETS; i++) {
		struct pdp_sub *s = p->subs[i], *n;

		for (; s != NULL; s = n) {
			n = s->next;
			free(s);
		}
		p->subs[i] = NULL;
	}
}

static int
codec_match(const struct pdp_rule *r, const char *codecs)
{
	char list[64], *save = NULL, *tok;
	unsigned int j;

	if (r->n_codecs == 0)
		return 1;
	snprintf(list, sizeof(list), "%s", codecs);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		for (j = 0; j < r->n_codecs; j++)
			if (strcasecmp(tok, r->codecs[j]) == 0)
				return 1;
	return 0;
}

void
pdp_policy_decide(struct pdp_policy *p, const struct pep_csi_call *c, struct pdp_verdict *v)
{
	const struct pdp_rule *r = NULL;
	uint32_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < p->n_rules; i++) {
		const struct pdp_rule *x = &p->rules[i];

		if ((x->caller[0] && fnmatch(x->caller, c->from, 0) != 0) ||
				(x->callee[0] && fnmatch(x->callee, c->to, 0) != 0) ||
				!codec_match(x, c->codecs))
			continue;
		r = x;
		break;
	}
	if (r == NULL) {
		v->admit = p->default_admit;
		v->dscp = p->classes[p->default_cls].dscp;
		v->rate_bps = c->bandwidth_bps;
		snprintf(v->rule, sizeof(v->rule), "default");
		snprintf(v->reason, sizeof(v->reason), "no rule matched");
	} else {
		v->admit = r->admit;
		v->dscp = p->classes[r->cls].dscp;
		v->rate_bps = r->rate_bps ? r->rate_bps : c->bandwidth_bps;
		v->burst_bytes = r->burst_bytes;
		snprintf(v->rule, sizeof(v->rule), "%s", r->name);
		snprintf(v->reason, sizeof(v->reason), "rule");
		if (v->admit && r->max_bandwidth_bps && c->bandwidth_bps > r->max_bandwidth_bps) {
			v->admit = 0;
			snprintf(v->reason, sizeof(v->reason), "bandwidth %llu > %llu",
				(unsigned long long)c->bandwidth_bps,
				(unsigned long long)r->max_bandwidth_bps);
		}
		if (v->admit && r->max_calls_per_subscriber &&
				pdp_policy_calls(p, &c->subscriber) >= r->max_calls_per_subscriber) {
			v->admit = 0;
			snprintf(v->reason, sizeof(v->reason), "subscriber has %u calls",
				pdp_policy_calls(p, &c->subscriber));
		}
	}
	if (v->burst_bytes == 0) {
		/* 200 ms of the rate: RTP's burstiness after jitter, not a second's worth */
		v->burst_bytes = v->rate_bps / 8 / 5;
		if (v->burst_bytes < 1500)
			v->burst_bytes = 1500;
	}
	if (v->admit) {
		struct pdp_sub *s = sub_find(p, &c->subscriber);

		if (s == NULL) {
			uint32_t b = sub_hash(&c->subscriber);

			s = calloc(1, sizeof(*s));
			if (s == NULL)
				return;
			s->id = c->subscriber;
			s->next = p->subs[b];
			p->subs[b] = s;
		}
		s->calls++;
	}
}

void
pdp_policy_push_gate(const struct pdp_policy *p, uint32_t i, struct pcmm_gate *g)
{
	const struct pdp_push *ps = &p->push[i];
	float rate = (float)ps->rate_bps / 8.0f;

	memset(g, 0, sizeof(*g));
	g->cmd = PCMM_GATE_SET;
	g->amid.app_type = PEP_CSI_AMID_APP;
	g->amid.am_tag = PEP_CSI_AMID_TAG;
	g->subscriber.family = ps->cls.s_type == PCMM_CLS_IPV6 ? 6 : 4;
	memcpy(g->subscriber.addr, ps->cls.src, 16);
	g->present = PCMM_GATE_HAS_SPEC | PCMM_GATE_HAS_TRAFFIC;
	g->spec.flags = (uint8_t)((ps->upstream ? PCMM_GATE_FLAG_UPSTREAM : 0) |
		PCMM_GATE_FLAG_DSCP_OVERWRITE);
	g->spec.dscp_tos = (uint8_t)(p->classes[ps->cls_idx].dscp << 2);
	g->spec.dscp_tos_mask = 0xfc;
	g->spec.session_class = 1;
	g->tp.s_type = PCMM_TP_FLOWSPEC;
	g->tp.envelope = PCMM_ENV_AUTHORIZED;
	g->tp.service_number = 2;
	g->tp.n_env = 1;
	g->tp.fs[0].token_rate = pcmm_f32_bits(rate);
	g->tp.fs[0].token_size = pcmm_f32_bits(1500.0f);
	g->tp.fs[0].peak_rate = pcmm_f32_bits(rate);
	g->tp.fs[0].min_policed_unit = 64;
	g->tp.fs[0].max_packet_size = 1500;
	g->tp.fs[0].rate = pcmm_f32_bits(rate);
	g->n_cls = 1;
	g->cls[0] = ps->cls;
}
