/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "json_pos.h"

/* Refuse configuration files larger than this: they are hand-written JSON, not data. */
#define CFG_MAX_FILE (16u << 20)

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

int
cfg_load_text(struct cfg *c, const char *name, const char *text, size_t len)
{
	json_error_t je;

	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", name);
	c->text = malloc(len + 1);
	if (c->text == NULL) {
		snprintf(c->err, sizeof(c->err), "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	c->len = len;
	/* Duplicate keys would make one of two settings silently win. */
	c->root = json_loadb(c->text, len, JSON_REJECT_DUPLICATES, &je);
	if (c->root == NULL) {
		snprintf(c->err, sizeof(c->err), "%s:%d:%d: %s", name, je.line, je.column, je.text);
		return -EINVAL;
	}
	if (!json_is_object(c->root)) {
		snprintf(c->err, sizeof(c->err), "%s:1:1: the configuration must be a JSON object",
				name);
		return -EINVAL;
	}
	return 0;
}

int
cfg_load(struct cfg *c, const char *file)
{
	FILE *f;
	char *buf;
	long sz;
	size_t got;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", file);
	f = fopen(file, "rb");
	if (f == NULL) {
		snprintf(c->err, sizeof(c->err), "%s: cannot open: %s", file, strerror(errno));
		return -errno;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		snprintf(c->err, sizeof(c->err), "%s: cannot read: %s", file, strerror(errno));
		fclose(f);
		return -EIO;
	}
	if ((unsigned long)sz > CFG_MAX_FILE) {
		snprintf(c->err, sizeof(c->err), "%s: file too large (%ld bytes)", file, sz);
		fclose(f);
		return -EFBIG;
	}
	buf = malloc((size_t)sz + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(c->err, sizeof(c->err), "%s: out of memory", file);
		return -ENOMEM;
	}
	got = fread(buf, 1, (size_t)sz, f);
	fclose(f);
	if (got != (size_t)sz) {
		free(buf);
		snprintf(c->err, sizeof(c->err), "%s: short read", file);
		return -EIO;
	}
	rc = cfg_load_text(c, file, buf, got);
	free(buf);
	return rc;
}

void
cfg_free(struct cfg *c)
{
	json_decref(c->root);
	c->root = NULL;
	free(c->text);
	c->text = NULL;
}

int
cfg_error(struct cfg *c, const char *path, const char *fmt, ...)
{
	unsigned int line = 0, col = 0;
	char msg[CFG_ERR_LEN / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *where = path;
	size_t rl = strlen(c->root_path);

	/* a file holding one section: its keys are located without the section's name */
	if (rl > 0 && strncmp(path, c->root_path, rl) == 0 && (path[rl] == '.' || path[rl] == '\0'))
		where = path[rl] == '.' ? path + rl + 1 : "";
	if (c->text == NULL || json_pos_locate(c->text, c->len, where, &line, &col) != 0) {
		line = 1;
		col = 1;
	}
	snprintf(c->err, sizeof(c->err), "%s:%u:%u: %s: %s", c->file, line, col,
			path[0] ? path : "(top level)", msg);
	return -EINVAL;
}

const char *
cfg_path(char *buf, size_t cap, const char *parent, const char *key)
{
	if (parent == NULL || parent[0] == '\0')
		snprintf(buf, cap, "%s", key);
	else
		snprintf(buf, cap, "%s.%s", parent, key);
	return buf;
}

const char *
cfg_path_index(char *buf, size_t cap, const char *parent, size_t i)
{
	snprintf(buf, cap, "%s[%zu]", parent ? parent : "", i);
	return buf;
}

int
cfg_only_keys(struct cfg *c, json_t *obj, const char *parent, const char *const *allowed)
{
	const char *key;
	json_t *v;
	char path[512];

	json_object_foreach(obj, key, v) {
		const char *const *a;
		int ok = 0;

		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, key) == 0)
				ok = 1;
		if (!ok) {
			char list[400] = "";
			size_t n = 0;

			for (a = allowed; *a != NULL && n < sizeof(list) - 1; a++)
				n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
						a == allowed ? "" : ", ", *a);
			return cfg_error(c, cfg_path(path, sizeof(path), parent, key),
					"unknown key (known keys here: %s)", list);
		}
	}
	return 0;
}

static int
member(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		json_t **v, char *path, size_t cap)
{
	cfg_path(path, cap, parent, key);
	*v = json_object_get(obj, key);
	if (*v == NULL && required)
		return cfg_error(c, parent ? parent : "", "missing required key \"%s\"", key);
	return 0;
}

int
cfg_object(struct cfg *c, json_t *obj, const char *parent, const char *key, json_t **out)
{
	char path[512];
	json_t *v;

	*out = NULL;
	member(c, obj, parent, key, 0, &v, path, sizeof(path));
	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return cfg_error(c, path, "expected an object, got %s", type_name(v));
	*out = v;
	return 0;
}

int
cfg_array(struct cfg *c, json_t *obj, const char *parent, const char *key, json_t **out)
{
	char path[512];
	json_t *v;

	*out = NULL;
	member(c, obj, parent, key, 0, &v, path, sizeof(path));
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return cfg_error(c, path, "expected an array, got %s", type_name(v));
	*out = v;
	return 0;
}

int
cfg_expect_uint(struct cfg *c, json_t *v, const char *path, uint64_t min, uint64_t max,
		uint64_t *out)
{
	json_int_t i;

	if (!json_is_integer(v))
		return cfg_error(c, path, "expected an integer, got %s", type_name(v));
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
		return cfg_error(c, path, "%lld is out of range [%llu, %llu]", (long long)i,
				(unsigned long long)min, (unsigned long long)max);
	*out = (uint64_t)i;
	return 0;
}

int
cfg_expect_string(struct cfg *c, json_t *v, const char *path, char *out, size_t cap)
{
	if (!json_is_string(v))
		return cfg_error(c, path, "expected a string, got %s", type_name(v));
	if (json_string_length(v) >= cap)
		return cfg_error(c, path, "string longer than %zu characters", cap - 1);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return cfg_error(c, path, "string contains a NUL character");
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int
cfg_string_array(struct cfg *c, json_t *obj, const char *parent, const char *key, char *out,
		size_t width, size_t max, size_t *n)
{
	char path[512], el[512];
	json_t *a, *v;
	size_t i;

	if (cfg_array(c, obj, parent, key, &a))
		return -EINVAL;
	if (a == NULL)
		return 0;
	cfg_path(path, sizeof(path), parent, key);
	if (json_array_size(a) > max)
		return cfg_error(c, path, "at most %zu entries", max);
	json_array_foreach(a, i, v) {
		cfg_path_index(el, sizeof(el), path, i);
		if (cfg_expect_string(c, v, el, out + i * width, width))
			return -EINVAL;
	}
	*n = json_array_size(a);
	return 0;
}

int
cfg_uint(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		uint64_t min, uint64_t max, uint64_t *out)
{
	char path[512];
	json_t *v;
	int rc = member(c, obj, parent, key, required, &v, path, sizeof(path));

	if (rc != 0 || v == NULL)
		return rc;
	return cfg_expect_uint(c, v, path, min, max, out);
}

int
cfg_double(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		double min, double max, double *out)
{
	char path[512];
	json_t *v;
	double d;
	int rc = member(c, obj, parent, key, required, &v, path, sizeof(path));

	if (rc != 0 || v == NULL)
		return rc;
	if (!json_is_number(v))
		return cfg_error(c, path, "expected a number, got %s", type_name(v));
	d = json_number_value(v);
	if (!(d >= min && d <= max))
		return cfg_error(c, path, "%g is out of range [%g, %g]", d, min, max);
	*out = d;
	return 0;
}

int
cfg_bool(struct cfg *c, json_t *obj, const char *parent, const char *key, int required, int *out)
{
	char path[512];
	json_t *v;
	int rc = member(c, obj, parent, key, required, &v, path, sizeof(path));

	if (rc != 0 || v == NULL)
		return rc;
	if (!json_is_boolean(v))
		return cfg_error(c, path, "expected true or false, got %s", type_name(v));
	*out = json_is_true(v);
	return 0;
}

int
cfg_string(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		char *out, size_t cap)
{
	char path[512];
	json_t *v;
	int rc = member(c, obj, parent, key, required, &v, path, sizeof(path));

	if (rc != 0 || v == NULL)
		return rc;
	return cfg_expect_string(c, v, path, out, cap);
}

int
cfg_enum(struct cfg *c, json_t *obj, const char *parent, const char *key, int required,
		const char *const *names, int *out)
{
	char path[512], list[400] = "";
	const char *s;
	json_t *v;
	size_t n = 0;
	int i, rc = member(c, obj, parent, key, required, &v, path, sizeof(path));

	if (rc != 0 || v == NULL)
		return rc;
	if (!json_is_string(v))
		return cfg_error(c, path, "expected a string, got %s", type_name(v));
	s = json_string_value(v);
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
		if (n < sizeof(list) - 1)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s\"%s\"", i ? ", " : "",
					names[i]);
	}
	return cfg_error(c, path, "\"%s\" is not one of %s", s, list);
}
