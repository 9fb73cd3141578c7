/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Signature database: JSON loading (common/cfg.[ch]), Hyperscan compilation and scanning.
 * See sig_db.h for the contract and docs/classification.md for the schema.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "cfg.h"
#include "sig_db.h"

/* sig_matches.class_mask has one bit per class. */
_Static_assert(VPEP_CLASS_MAX <= 32, "class_mask is 32 bits wide");

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

struct sig_db {
	hs_database_t *hs;
	/*
	 * Never used to scan: sig_db_scratch_alloc() clones it, so a worker's scratch is sized
	 * for this database without each worker calling the (slower) hs_alloc_scratch().
	 */
	hs_scratch_t *proto_scratch;
	unsigned int count;
	struct sig_entry sigs[SIG_DB_MAX_SIGS];
};

static const char *const class_names[] = {
#define SIG_DB_CLASS_NAME(name, desc) #name,
	VPEP_CLASSES(SIG_DB_CLASS_NAME)
#undef SIG_DB_CLASS_NAME
		NULL};

/*
 * Classes a payload signature may name. The RTP family is decided from SDP expectations and
 * RTP probation, never from payload patterns (an RTP payload is arbitrary bytes), and
 * "unknown" is the absence of a decision.
 */
static int
class_allowed(int cls)
{
	switch (cls) {
	case VPEP_CLASS_sip:
	case VPEP_CLASS_http:
	case VPEP_CLASS_pop3:
	case VPEP_CLASS_cwmp:
	case VPEP_CLASS_cip:
	case VPEP_CLASS_cops:
	case VPEP_CLASS_rtsp:
		return 1;
	default:
		return 0;
	}
}

const char *
sig_db_class_name(unsigned int cls)
{
	return cls < VPEP_CLASS_MAX ? class_names[cls] : "?";
}

static const char *const transport_names[] = {"any", "udp", "tcp", NULL};
static const char *const where_names[] = {"anywhere", "start", NULL};

/* Pattern flags ("flags" key). singlematch is always applied: a scan only records which
 * signatures matched, so later matches of the same pattern would be wasted callbacks. */
static const struct {
	const char *name;
	unsigned int hs;
} flag_names[] = {
	{"caseless", HS_FLAG_CASELESS},
	{"dotall", HS_FLAG_DOTALL},
	{"multiline", HS_FLAG_MULTILINE},
	{"singlematch", HS_FLAG_SINGLEMATCH},
	{"utf8", HS_FLAG_UTF8},
	{"ucp", HS_FLAG_UCP},
};

static const struct {
	const char *name;
	uint32_t tag;
} tag_names[] = {
	{"scanner", SIG_TAG_SCANNER},
};

static const char *const top_keys[] = {"version", "description", "signatures", NULL};
static const char *const sig_keys[] = {"id", "class", "pattern", "flags", "transport", "where",
	"min_len", "ports", "tags", "description", NULL};

static int
id_valid(const char *id)
{
	const char *p;

	if (id[0] == '\0')
		return 0;
	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

static int
parse_flags(struct cfg *c, json_t *arr, const char *path, unsigned int *hs_flags)
{
	char p[600], name[32];
	size_t i, k;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		unsigned int bit = 0;
		int found = 0;

		cfg_path_index(p, sizeof(p), path, i);
		if (cfg_expect_string(c, v, p, name, sizeof(name)) != 0)
			return -EINVAL;
		for (k = 0; k < sizeof(flag_names) / sizeof(flag_names[0]); k++)
			if (strcmp(name, flag_names[k].name) == 0) {
				bit = flag_names[k].hs;
				found = 1;
			}
		if (!found)
			return cfg_error(c, p,
				"unknown flag \"%s\" (known: caseless, dotall, "
				"multiline, singlematch, utf8, ucp)",
				name);
		if (*hs_flags & bit)
			return cfg_error(c, p, "flag \"%s\" listed twice", name);
		*hs_flags |= bit;
	}
	return 0;
}

static int
parse_tags(struct cfg *c, json_t *arr, const char *path, uint32_t *tags)
{
	char p[600], name[32];
	size_t i, k;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		uint32_t bit = 0;

		cfg_path_index(p, sizeof(p), path, i);
		if (cfg_expect_string(c, v, p, name, sizeof(name)) != 0)
			return -EINVAL;
		for (k = 0; k < sizeof(tag_names) / sizeof(tag_names[0]); k++)
			if (strcmp(name, tag_names[k].name) == 0)
				bit = tag_names[k].tag;
		if (bit == 0)
			return cfg_error(c, p, "unknown tag \"%s\" (known: scanner)", name);
		if (*tags & bit)
			return cfg_error(c, p, "tag \"%s\" listed twice", name);
		*tags |= bit;
	}
	return 0;
}

static int
parse_ports(struct cfg *c, json_t *arr, const char *path, struct sig_entry *e)
{
	char p[600];
	uint64_t port;
	size_t i;
	json_t *v;

	if (json_array_size(arr) > SIG_DB_MAX_PORTS)
		return cfg_error(c, path, "at most %d hint ports", SIG_DB_MAX_PORTS);
	json_array_foreach(arr, i, v)
	{
		cfg_path_index(p, sizeof(p), path, i);
		if (cfg_expect_uint(c, v, p, 1, 65535, &port) != 0)
			return -EINVAL;
		e->ports[e->n_ports++] = (uint16_t)port;
	}
	return 0;
}

/*
 * Parse signatures[i] into e and its pattern into pat (already wrapped for "where": start).
 * Hyperscan's own parser checks the raw pattern first, so an error message (and any offset
 * in it) refers to the pattern as written, and a pattern cannot escape the \A(?:...) wrapper
 * with an unbalanced parenthesis.
 */
static int
parse_sig(struct cfg *c, json_t *o, const char *path, struct sig_entry *e, char *pat, size_t patcap)
{
	char p[600], raw[SIG_DB_PATTERN_MAX + 1], desc[1024];
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *cerr = NULL;
	unsigned int hs_flags = 0;
	uint64_t min_len = 0;
	json_t *arr;
	int cls = -1, tp = SIG_TP_ANY, where = SIG_WHERE_ANYWHERE;

	if (!json_is_object(o))
		return cfg_error(c, path, "expected an object (one signature)");
	if (cfg_only_keys(c, o, path, sig_keys) != 0)
		return -EINVAL;
	if (cfg_string(c, o, path, "id", 1, e->id, sizeof(e->id)) != 0)
		return -EINVAL;
	if (!id_valid(e->id))
		return cfg_error(c, cfg_path(p, sizeof(p), path, "id"),
			"\"%s\": an id is 1 to %d characters of [A-Za-z0-9._-]", e->id,
			SIG_DB_ID_LEN - 1);
	if (cfg_enum(c, o, path, "class", 1, class_names, &cls) != 0)
		return -EINVAL;
	if (!class_allowed(cls))
		return cfg_error(c, cfg_path(p, sizeof(p), path, "class"),
			"class \"%s\" is not decided by payload signatures (allowed: sip, "
			"http, pop3, cwmp, cip, cops, rtsp)",
			class_names[cls]);
	e->cls = (uint8_t)cls;
	if (cfg_string(c, o, path, "pattern", 1, raw, sizeof(raw)) != 0)
		return -EINVAL;
	if (raw[0] == '\0')
		return cfg_error(c, cfg_path(p, sizeof(p), path, "pattern"), "empty pattern");
	if (cfg_array(c, o, path, "flags", &arr) != 0)
		return -EINVAL;
	if (arr != NULL &&
		parse_flags(c, arr, cfg_path(p, sizeof(p), path, "flags"), &hs_flags) != 0)
		return -EINVAL;
	if (cfg_enum(c, o, path, "transport", 0, transport_names, &tp) != 0)
		return -EINVAL;
	if (cfg_enum(c, o, path, "where", 0, where_names, &where) != 0)
		return -EINVAL;
	if (cfg_uint(c, o, path, "min_len", 0, 0, 65535, &min_len) != 0)
		return -EINVAL;
	if (cfg_array(c, o, path, "ports", &arr) != 0)
		return -EINVAL;
	if (arr != NULL && parse_ports(c, arr, cfg_path(p, sizeof(p), path, "ports"), e) != 0)
		return -EINVAL;
	if (cfg_array(c, o, path, "tags", &arr) != 0)
		return -EINVAL;
	if (arr != NULL && parse_tags(c, arr, cfg_path(p, sizeof(p), path, "tags"), &e->tags) != 0)
		return -EINVAL;
	if (cfg_string(c, o, path, "description", 0, desc, sizeof(desc)) != 0)
		return -EINVAL;
	e->transport = (uint8_t)tp;
	e->where = (uint8_t)where;
	e->min_len = (uint16_t)min_len;
	e->hs_flags = hs_flags | HS_FLAG_SINGLEMATCH;

	if (hs_expression_info(raw, e->hs_flags, &info, &cerr) != HS_SUCCESS) {
		int rc = cfg_error(c, cfg_path(p, sizeof(p), path, "pattern"),
			"signature \"%s\": Hyperscan cannot compile the pattern: %s", e->id,
			cerr != NULL && cerr->message != NULL ? cerr->message : "?");

		hs_free_compile_error(cerr);
		return rc;
	}
	free(info);
	if (where == SIG_WHERE_START)
		snprintf(pat, patcap, "\\A(?:%s)", raw);
	else
		snprintf(pat, patcap, "%s", raw);
	return 0;
}

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

static struct sig_db *
load(struct cfg *c, char *err, size_t errlen)
{
	char path[600], desc[4096], *pats = NULL;
	const char **exprs = NULL;
	unsigned int *flags = NULL, *ids = NULL;
	hs_compile_error_t *cerr = NULL;
	struct sig_db *db = NULL;
	uint64_t version = 0;
	json_t *arr, *v;
	size_t i, n;
	int rc = -EINVAL;

	/* Hyperscan 5.4 needs SSSE3 (Vectorscan has its own minimum): say so instead of failing
	 * later with a bare error code. */
	if (hs_valid_platform() != HS_SUCCESS) {
		snprintf(c->err, sizeof(c->err),
			"%.900s: Hyperscan does not support this CPU (hs_valid_platform)", c->file);
		rc = -ENOTSUP;
		goto out;
	}
	if (cfg_only_keys(c, c->root, "", top_keys) != 0 ||
		cfg_uint(c, c->root, "", "version", 1, 1, 1, &version) != 0 ||
		cfg_string(c, c->root, "", "description", 0, desc, sizeof(desc)) != 0 ||
		cfg_array(c, c->root, "", "signatures", &arr) != 0)
		goto out;
	if (arr == NULL) {
		cfg_error(c, "", "missing required key \"signatures\"");
		goto out;
	}
	n = json_array_size(arr);
	if (n == 0) {
		cfg_error(c, "signatures", "the signature set is empty");
		goto out;
	}
	if (n > SIG_DB_MAX_SIGS) {
		cfg_error(c, "signatures", "%zu signatures, at most %d", n, SIG_DB_MAX_SIGS);
		goto out;
	}
	db = calloc(1, sizeof(*db));
	pats = malloc(n * (SIG_DB_PATTERN_MAX + 16));
	exprs = calloc(n, sizeof(*exprs));
	flags = calloc(n, sizeof(*flags));
	ids = calloc(n, sizeof(*ids));
	if (db == NULL || pats == NULL || exprs == NULL || flags == NULL || ids == NULL) {
		snprintf(c->err, sizeof(c->err), "%.900s: out of memory", c->file);
		rc = -ENOMEM;
		goto out;
	}
	json_array_foreach(arr, i, v)
	{
		struct sig_entry *e = &db->sigs[i];
		char *pat = pats + i * (SIG_DB_PATTERN_MAX + 16);
		size_t j;

		cfg_path_index(path, sizeof(path), "signatures", i);
		if (parse_sig(c, v, path, e, pat, SIG_DB_PATTERN_MAX + 16) != 0)
			goto out;
		for (j = 0; j < i; j++)
			if (strcmp(db->sigs[j].id, e->id) == 0) {
				char p2[620];

				cfg_error(c, cfg_path(p2, sizeof(p2), path, "id"),
					"duplicate id \"%s\" (first used by signatures[%zu])",
					e->id, j);
				goto out;
			}
		exprs[i] = pat;
		flags[i] = e->hs_flags;
		ids[i] = (unsigned int)i;
	}
	db->count = (unsigned int)n;
	if (hs_compile_multi(exprs, flags, ids, (unsigned int)n, HS_MODE_BLOCK, NULL, &db->hs,
		    &cerr) != HS_SUCCESS) {
		const char *msg = cerr != NULL && cerr->message != NULL ? cerr->message : "?";

		if (cerr != NULL && cerr->expression >= 0 && (size_t)cerr->expression < n) {
			cfg_path_index(path, sizeof(path), "signatures", (size_t)cerr->expression);
			strncat(path, ".pattern", sizeof(path) - strlen(path) - 1);
			cfg_error(c, path,
				"signature \"%s\": Hyperscan cannot compile the pattern: %s",
				db->sigs[cerr->expression].id, msg);
		} else {
			cfg_error(c, "signatures", "Hyperscan cannot compile the set: %s", msg);
		}
		hs_free_compile_error(cerr);
		db->hs = NULL;
		goto out;
	}
	if (hs_alloc_scratch(db->hs, &db->proto_scratch) != HS_SUCCESS) {
		snprintf(c->err, sizeof(c->err), "%.900s: cannot allocate Hyperscan scratch",
			c->file);
		rc = -ENOMEM;
		goto out;
	}
	rc = 0;
out:
	free(pats);
	free(exprs);
	free(flags);
	free(ids);
	if (rc != 0) {
		set_err(err, errlen, c->err);
		sig_db_free(db);
		db = NULL;
		errno = -rc;
	}
	return db;
}

/* Compile what cfg_load*() returned (rc) and release the parsed JSON; errno survives. */
static struct sig_db *
load_parsed(struct cfg *c, int rc, char *err, size_t errlen)
{
	struct sig_db *db = NULL;

	if (rc != 0) {
		set_err(err, errlen, c->err);
		errno = -rc;
	} else {
		db = load(c, err, errlen);
	}
	rc = errno;
	cfg_free(c);
	errno = rc;
	return db;
}

struct sig_db *
sig_db_load(const char *file, char *err, size_t errlen)
{
	struct cfg c;

	return load_parsed(&c, cfg_load(&c, file), err, errlen);
}

struct sig_db *
sig_db_load_text(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	struct cfg c;

	return load_parsed(&c, cfg_load_text(&c, name, text, len), err, errlen);
}

void
sig_db_free(struct sig_db *db)
{
	if (db == NULL)
		return;
	hs_free_scratch(db->proto_scratch);
	hs_free_database(db->hs);
	free(db);
}

unsigned int
sig_db_count(const struct sig_db *db)
{
	return db != NULL ? db->count : 0;
}

const struct sig_entry *
sig_db_entry(const struct sig_db *db, unsigned int idx)
{
	return db != NULL && idx < db->count ? &db->sigs[idx] : NULL;
}

int
sig_db_find(const struct sig_db *db, const char *id)
{
	unsigned int i;

	for (i = 0; db != NULL && id != NULL && i < db->count; i++)
		if (strcmp(db->sigs[i].id, id) == 0)
			return (int)i;
	return -ENOENT;
}

int
sig_db_scratch_alloc(const struct sig_db *db, struct hs_scratch **scratch)
{
	if (db == NULL || scratch == NULL || *scratch != NULL)
		return -EINVAL;
	if (hs_clone_scratch(db->proto_scratch, scratch) != HS_SUCCESS) {
		*scratch = NULL;
		return -ENOMEM;
	}
	return 0;
}

void
sig_db_scratch_free(struct hs_scratch *scratch)
{
	hs_free_scratch(scratch);
}

struct scan_ctx {
	const struct sig_db *db;
	struct sig_matches *out;
	uint32_t len;
	uint8_t tp; /* enum sig_transport of the payload, SIG_TP_ANY if neither */
};

/* Hyperscan match callback: record the signature if its transport and min_len allow. */
static int
on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int hflags,
	void *arg)
{
	struct scan_ctx *x = arg;
	const struct sig_entry *e;

	(void)from;
	(void)to;
	(void)hflags;
	if (id >= x->db->count)
		return 0;
	e = &x->db->sigs[id];
	if (e->transport != SIG_TP_ANY && e->transport != x->tp)
		return 0;
	if (x->len < e->min_len)
		return 0;
	if (x->out->bits[id / 64] >> (id % 64) & 1u)
		return 0;
	x->out->bits[id / 64] |= (uint64_t)1 << (id % 64);
	x->out->class_mask |= 1u << e->cls;
	x->out->tags |= e->tags;
	x->out->count++;
	return 0;
}

int
sig_db_scan(const struct sig_db *db, struct hs_scratch *scratch, const uint8_t *payload,
	uint32_t len, uint8_t l4proto, struct sig_matches *out)
{
	struct scan_ctx x;

	if (out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (db == NULL || scratch == NULL || (payload == NULL && len != 0))
		return -EINVAL;
	if (len == 0)
		return 0;
	x.db = db;
	x.out = out;
	x.len = len;
	x.tp = l4proto == IPPROTO_TCP_	 ? SIG_TP_TCP
	       : l4proto == IPPROTO_UDP_ ? SIG_TP_UDP
					 : SIG_TP_ANY;
	if (hs_scan(db->hs, (const char *)payload, len, 0, scratch, on_match, &x) != HS_SUCCESS)
		return -EIO;
	return 0;
}

int
sig_db_port_hint(const struct sig_db *db, const struct sig_matches *m, unsigned int cls,
	uint16_t sport, uint16_t dport)
{
	unsigned int i, k;

	if (db == NULL || m == NULL || cls >= VPEP_CLASS_MAX || !(m->class_mask & (1u << cls)))
		return 0;
	for (i = 0; i < db->count; i++) {
		const struct sig_entry *e = &db->sigs[i];

		if (e->cls != cls || !sig_matches_test(m, i))
			continue;
		for (k = 0; k < e->n_ports; k++)
			if (e->ports[k] == sport || e->ports[k] == dport)
				return 1;
	}
	return 0;
}
