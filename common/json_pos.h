/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Find where a key path sits in JSON source text.
 *
 * jansson reports positions for syntax errors only; configuration errors found after parsing
 * ("flows.when_full must be ...") still have to say file:line:column. json_pos_locate() scans
 * the text once more and returns the position of the member's key (or of the array element)
 * named by a path such as "ports[1].device". It allocates nothing, never reads past len, and
 * gives up (returns -1) on malformed text or nesting deeper than JSON_POS_MAX_DEPTH.
 */

#ifndef JSON_POS_H
#define JSON_POS_H

#include <stddef.h>

#define JSON_POS_MAX_DEPTH 64

/*
 * Locate `path` ("" is the root) in text[0, len). On success returns 0 and sets the 1-based
 * line and column; returns -1 when the path is not present or the text is not valid JSON.
 */
int json_pos_locate(const char *text, size_t len, const char *path, unsigned int *line,
		unsigned int *col);

#endif /* JSON_POS_H */
