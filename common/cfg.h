/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * JSON configuration loading shared by vpep-dataplane, vpep-ctrl and vpep-pdp.
 *
 * Every error names the file, line, column and key path, e.g.
 *   configs/dp.json:14:7: flows.when_full: expected one of "evict_oldest", "refuse"
 * The typed getters check type and range and reject unknown keys (a typo is an error, not a
 * silently ignored setting). Getters leave the output untouched when an optional key is
 * absent, so callers set defaults first.
 */

#ifndef CFG_H
#define CFG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CFG_ERR_LEN 1024

struct cfg {
	char file[4096];
	char *text;  /* the file's bytes, kept to locate keys for error messages */
	size_t len;
	json_t *root;
	char err[CFG_ERR_LEN];
	/* Set when the file's root is one section of a larger configuration (a policy file):
	 * error paths keep the section's name, positions are looked up without it. */
	char root_path[64];
};

/* Load and parse `file` (or, when text != NULL, parse text and report errors as `file`). */
int cfg_load(struct cfg *c, const char *file);
int cfg_load_text(struct cfg *c, const char *name, const char *text, size_t len);
void cfg_free(struct cfg *c);

/* Record "file:line:col: path: message" in c->err; always returns -EINVAL. */
int cfg_error(struct cfg *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Build "parent.key" (or "key" at the root) into buf. */
const char *cfg_path(char *buf, size_t cap, const char *parent, const char *key);
/* Build "parent[i]" into buf. */
const char *cfg_path_index(char *buf, size_t cap, const char *parent, size_t i);

/* Fail on members of obj not listed in allowed (NULL-terminated). */
int cfg_only_keys(struct cfg *c, json_t *obj, const char *parent, const char *const *allowed);

/* Fetch member `key` of obj when present; type-checked. *out = NULL when absent. */
int cfg_object(struct cfg *c, json_t *obj, const char *parent, const char *key, json_t **out);
int cfg_array(struct cfg *c, json_t *obj, const char *parent, const char *key, json_t **out);

/* Scalars: absent optional members leave *out unchanged; required ones are an error. */
int cfg_uint(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		uint64_t min, uint64_t max, uint64_t *out);
int cfg_double(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		double min, double max, double *out);
int cfg_bool(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		int *out);
int cfg_string(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		char *out, size_t cap);
/* A string that must be one of names[] (NULL-terminated); *out gets its index. */
int cfg_enum(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		const char *const *names, int *out);

/*
 * An optional array of at most max strings at obj[key], copied one after another into rows of
 * width bytes at out (a char [max][width] array). *n gets the count; it is left alone when the
 * key is absent. 0, or -EINVAL with a positioned message.
 */
int cfg_string_array(struct cfg *c, json_t *obj, const char *parent, const char *key, char *out,
		size_t width, size_t max, size_t *n);

/* Check that a value (an array element, say) has the wanted type. */
int cfg_expect_uint(struct cfg *c, json_t *v, const char *path, uint64_t min, uint64_t max,
		uint64_t *out);
int cfg_expect_string(struct cfg *c, json_t *v, const char *path, char *out, size_t cap);

#endif /* CFG_H */
