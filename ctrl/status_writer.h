/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The status file's writer: a thread that serialises and writes the documents the event loop
 * posts, so that the loop never waits on the file system. Writing a small file and renaming it
 * over the old one takes 0.2-0.5 ms on ext4 (the rename forces the new file's data out), and
 * done in the loop every 100 ms it put a 0.7-1.3 ms stall in front of every tenth admission
 * at 1000 calls/s (docs/benchmarks.md).
 *
 * The latest document wins: one posted while an older one waits replaces it. Each write is
 * atomic for readers (temp file + rename).
 *
 * Documents are read by the thread while the loop goes on: a posted document must not be
 * changed afterwards, and what it shares with the loop (json_object_set) must be read-only
 * there too. jansson's reference counts are atomic and its encoder does not mark the values
 * it visits (2.13 and later), so sharing read-only values is safe.
 */

#ifndef STATUS_WRITER_H
#define STATUS_WRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct status_writer {
	char path[4096];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	json_t *pending;	/* the next document to write (owned), or NULL */
	bool stopping;
	bool started;
};

/* Start the thread writing to path. 0, or -errno. */
int status_writer_start(struct status_writer *sw, const char *path);

/* Hand a document over (ownership passes to the writer). */
void status_writer_post(struct status_writer *sw, json_t *doc);

/* Write what is still pending, then stop the thread. */
void status_writer_stop(struct status_writer *sw);

#endif /* STATUS_WRITER_H */
