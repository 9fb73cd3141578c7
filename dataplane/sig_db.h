/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Payload signature database (Hyperscan) for flow classification.
 *
 * The signature set is a JSON file (configs/signatures.json, schema in docs/classification.md)
 * loaded with common/cfg.[ch], so every error names file:line:col and the key path. All patterns
 * are compiled into ONE block-mode Hyperscan database (hs_compile_multi, HS_MODE_BLOCK) that is
 * read-only after sig_db_load() and shared by every worker. Hyperscan needs a scratch space per
 * concurrent scan: each worker gets its own with sig_db_scratch_alloc() (a clone of a prototype
 * allocated at load time, so workers never touch each other's scratch).
 *
 * sig_db_scan() runs one hs_scan() over a payload and reports which signatures matched as a
 * bitmap plus per-class and per-tag summaries. It allocates nothing. A match is only a candidate:
 * app_detect.c confirms it with a validator before it names a class (see app_detect.h).
 *
 * Only the API common to Hyperscan 5.4 and Vectorscan is used.
 */

#ifndef SIG_DB_H
#define SIG_DB_H

#include <stddef.h>
#include <stdint.h>

#include "vpep_classes.h"

/*
 * Hyperscan's scratch type (hs_scratch_t is a typedef of it in Hyperscan and in Vectorscan).
 * Declared here so that callers need neither hs.h nor Hyperscan's include path.
 */
struct hs_scratch;

/* Most signatures one database holds (the bitmap in struct sig_matches is this wide). */
#define SIG_DB_MAX_SIGS 256
/* Longest signature id, NUL included; ids are [A-Za-z0-9._-]+. */
#define SIG_DB_ID_LEN 48
/* Longest pattern accepted (characters of the JSON string). */
#define SIG_DB_PATTERN_MAX 4096
/* Port hints per signature. */
#define SIG_DB_MAX_PORTS 8

/* Which transport a signature applies to ("transport" key). */
enum sig_transport {
	SIG_TP_ANY = 0,
	SIG_TP_UDP,
	SIG_TP_TCP,
};

/* Where a pattern must match ("where" key). */
enum sig_where {
	SIG_WHERE_ANYWHERE = 0,
	SIG_WHERE_START, /* anchored at the first payload byte (the loader wraps it in \A(?:...)) */
};

/* Tags ("tags" key): properties a later stage acts on. */
#define SIG_TAG_SCANNER (1u << 0) /* a known scanner/attack tool (e.g. SIP friendly-scanner) */

/* One signature as loaded (the pattern text itself is not kept after compilation). */
struct sig_entry {
	char id[SIG_DB_ID_LEN];
	uint8_t cls;	   /* enum vpep_class */
	uint8_t transport; /* enum sig_transport */
	uint8_t where;	   /* enum sig_where */
	uint8_t n_ports;
	uint16_t min_len;		  /* payloads shorter than this never match the signature */
	uint16_t ports[SIG_DB_MAX_PORTS]; /* hint ports (either end of the flow) */
	uint32_t tags;			  /* SIG_TAG_* */
	uint32_t hs_flags;		  /* HS_FLAG_* the pattern was compiled with */
};

/*
 * Result of one scan. bits has one bit per signature index (sig_db_entry()); class_mask has
 * bit (1u << enum vpep_class) set for each class with at least one matching signature; tags
 * is the OR of the matching signatures' tags.
 */
struct sig_matches {
	uint64_t bits[SIG_DB_MAX_SIGS / 64];
	uint32_t class_mask;
	uint32_t tags;
	uint16_t count; /* signatures that matched */
};

struct sig_db;

/**
 * Load and compile the signature file. Returns the database, or NULL with errno set and a
 * message in err ("file:line:col: signatures[3].pattern: ..."); err may be NULL.
 */
struct sig_db *sig_db_load(const char *file, char *err, size_t errlen);

/**
 * The same from text in memory (len bytes, need not be NUL-terminated); name stands for the
 * file in error messages.
 */
struct sig_db *sig_db_load_text(
	const char *name, const char *text, size_t len, char *err, size_t errlen);

/** Free a database (NULL is a no-op). Every scratch allocated for it must be freed first. */
void sig_db_free(struct sig_db *db);

/** Number of signatures. */
unsigned int sig_db_count(const struct sig_db *db);

/** Signature idx (0 <= idx < sig_db_count()), or NULL. */
const struct sig_entry *sig_db_entry(const struct sig_db *db, unsigned int idx);

/** Index of the signature with this id, or -ENOENT. */
int sig_db_find(const struct sig_db *db, const char *id);

/**
 * Allocate a scratch space for one worker (one per thread that scans). *scratch must be NULL
 * on entry. Returns 0 or -ENOMEM / -EINVAL.
 */
int sig_db_scratch_alloc(const struct sig_db *db, struct hs_scratch **scratch);

/** Free a scratch space from sig_db_scratch_alloc() (NULL is a no-op). */
void sig_db_scratch_free(struct hs_scratch *scratch);

/**
 * Scan payload[0, len) once. l4proto (IPPROTO_UDP/TCP, 17/6) filters signatures by transport.
 * out is always cleared first. Returns 0, -EINVAL (NULL argument) or -EIO (Hyperscan error,
 * e.g. a scratch used by two threads at once). No allocation; safe to call concurrently with
 * one scratch per thread.
 */
int sig_db_scan(const struct sig_db *db, struct hs_scratch *scratch, const uint8_t *payload,
	uint32_t len, uint8_t l4proto, struct sig_matches *out);

/** 1 if signature idx is in m. */
static inline int
sig_matches_test(const struct sig_matches *m, unsigned int idx)
{
	return idx < SIG_DB_MAX_SIGS && (m->bits[idx / 64] >> (idx % 64) & 1u);
}

/**
 * 1 if some signature of class cls that matched in m lists sport or dport as a hint port.
 * Port hints only ever raise the confidence of a validated candidate (app_detect.c).
 */
int sig_db_port_hint(const struct sig_db *db, const struct sig_matches *m, unsigned int cls,
	uint16_t sport, uint16_t dport);

/** Name of a class as used in the JSON ("sip"); "?" if out of range. */
const char *sig_db_class_name(unsigned int cls);

#endif /* SIG_DB_H */
