/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * A minimal JSON scanner that tracks line/column and the current key path. It validates just
 * enough structure to walk the document; full validation is jansson's job and has already
 * happened by the time we are asked where something is.
 */

#include <stdio.h>
#include <string.h>

#include "json_pos.h"

#define PATH_CAP 512

struct scan {
	const char *s;
	size_t len;
	size_t i;
	unsigned int line, col;
	const char *target;
	char path[PATH_CAP];
	size_t path_len;
	int found;
	unsigned int found_line, found_col;
	unsigned int depth;
};

static void
advance(struct scan *sc)
{
	if (sc->s[sc->i] == '\n') {
		sc->line++;
		sc->col = 1;
	} else {
		sc->col++;
	}
	sc->i++;
}

static void
skip_ws(struct scan *sc)
{
	while (sc->i < sc->len) {
		char c = sc->s[sc->i];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		advance(sc);
	}
}

/* Mark the current position if the current path is the one we look for. */
static void
check_here(struct scan *sc, unsigned int line, unsigned int col)
{
	if (!sc->found && strcmp(sc->path, sc->target) == 0) {
		sc->found = 1;
		sc->found_line = line;
		sc->found_col = col;
	}
}

/* Scan a string starting at the opening quote; copy its raw bytes to out when given. */
static int
scan_string(struct scan *sc, char *out, size_t cap, size_t *out_len)
{
	size_t n = 0;
	int overflow = 0;

	if (sc->i >= sc->len || sc->s[sc->i] != '"')
		return -1;
	advance(sc);
	while (sc->i < sc->len) {
		char c = sc->s[sc->i];

		if (c == '"') {
			advance(sc);
			if (out_len != NULL)
				*out_len = overflow ? (size_t)-1 : n;
			return 0;
		}
		if (c == '\\') {
			if (out != NULL && n + 1 < cap)
				out[n++] = c;
			else if (out != NULL)
				overflow = 1;
			advance(sc);
			if (sc->i >= sc->len)
				return -1;
			c = sc->s[sc->i];
		}
		if (out != NULL && n + 1 < cap)
			out[n++] = c;
		else if (out != NULL)
			overflow = 1;
		advance(sc);
	}
	return -1;
}

static int scan_value(struct scan *sc);

/* Characters of number and true/false/null literals (strchr alone would match the NUL). */
static int
is_literal_char(char c)
{
	return c != '\0' && strchr("-0123456789tfnrueals.Ee+", c) != NULL;
}

static int
push_path(struct scan *sc, const char *seg, size_t seg_len, int is_index)
{
	size_t need = seg_len + (is_index ? 2 : (sc->path_len ? 1 : 0));

	if (sc->path_len + need + 1 > PATH_CAP)
		return -1;
	if (is_index) {
		sc->path[sc->path_len++] = '[';
		memcpy(sc->path + sc->path_len, seg, seg_len);
		sc->path_len += seg_len;
		sc->path[sc->path_len++] = ']';
	} else {
		if (sc->path_len)
			sc->path[sc->path_len++] = '.';
		memcpy(sc->path + sc->path_len, seg, seg_len);
		sc->path_len += seg_len;
	}
	sc->path[sc->path_len] = '\0';
	return 0;
}

static int
scan_object(struct scan *sc)
{
	size_t saved = sc->path_len;

	advance(sc); /* '{' */
	skip_ws(sc);
	if (sc->i < sc->len && sc->s[sc->i] == '}') {
		advance(sc);
		return 0;
	}
	for (;;) {
		char key[PATH_CAP];
		size_t klen;
		unsigned int kline, kcol;

		skip_ws(sc);
		kline = sc->line;
		kcol = sc->col;
		if (scan_string(sc, key, sizeof(key), &klen) != 0)
			return -1;
		skip_ws(sc);
		if (sc->i >= sc->len || sc->s[sc->i] != ':')
			return -1;
		advance(sc);
		if (klen != (size_t)-1 && push_path(sc, key, klen, 0) == 0) {
			check_here(sc, kline, kcol);
			if (scan_value(sc) != 0)
				return -1;
		} else {
			/* A key too long to track cannot be the target; scan its value blind. */
			sc->path[sc->path_len] = '\0';
			if (scan_value(sc) != 0)
				return -1;
		}
		sc->path_len = saved;
		sc->path[saved] = '\0';
		skip_ws(sc);
		if (sc->i >= sc->len)
			return -1;
		if (sc->s[sc->i] == ',') {
			advance(sc);
			continue;
		}
		if (sc->s[sc->i] == '}') {
			advance(sc);
			return 0;
		}
		return -1;
	}
}

static int
scan_array(struct scan *sc)
{
	size_t saved = sc->path_len;
	unsigned long idx = 0;

	advance(sc); /* '[' */
	skip_ws(sc);
	if (sc->i < sc->len && sc->s[sc->i] == ']') {
		advance(sc);
		return 0;
	}
	for (;;) {
		char num[24];
		int n;

		skip_ws(sc);
		n = snprintf(num, sizeof(num), "%lu", idx);
		if (push_path(sc, num, (size_t)n, 1) == 0)
			check_here(sc, sc->line, sc->col);
		if (scan_value(sc) != 0)
			return -1;
		sc->path_len = saved;
		sc->path[saved] = '\0';
		idx++;
		skip_ws(sc);
		if (sc->i >= sc->len)
			return -1;
		if (sc->s[sc->i] == ',') {
			advance(sc);
			continue;
		}
		if (sc->s[sc->i] == ']') {
			advance(sc);
			return 0;
		}
		return -1;
	}
}

static int
scan_value(struct scan *sc)
{
	int rc;

	skip_ws(sc);
	if (sc->i >= sc->len)
		return -1;
	switch (sc->s[sc->i]) {
	case '{':
	case '[':
		if (++sc->depth > JSON_POS_MAX_DEPTH)
			return -1;
		rc = sc->s[sc->i] == '{' ? scan_object(sc) : scan_array(sc);
		sc->depth--;
		return rc;
	case '"':
		return scan_string(sc, NULL, 0, NULL);
	default:
		/* number, true, false, null: a run of literal characters */
		if (!is_literal_char(sc->s[sc->i]))
			return -1;
		while (sc->i < sc->len && is_literal_char(sc->s[sc->i]))
			advance(sc);
		return 0;
	}
}

int
json_pos_locate(const char *text, size_t len, const char *path, unsigned int *line,
		unsigned int *col)
{
	struct scan sc;

	memset(&sc, 0, sizeof(sc));
	sc.s = text;
	sc.len = len;
	sc.line = 1;
	sc.col = 1;
	sc.target = path;
	skip_ws(&sc);
	check_here(&sc, sc.line, sc.col);
	if (scan_value(&sc) != 0 && !sc.found)
		return -1;
	if (!sc.found)
		return -1;
	*line = sc.found_line;
	*col = sc.found_col;
	return 0;
}
