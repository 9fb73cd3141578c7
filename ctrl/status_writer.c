/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctrl_log.h"
#include "status_writer.h"

static void
write_one(struct status_writer *sw, json_t *doc)
{
	char tmp[sizeof(sw->path) + 8];

	snprintf(tmp, sizeof(tmp), "%s.tmp", sw->path);
	if (json_dump_file(doc, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) != 0)
		LOG_WARN("status: cannot write %s", tmp);
	else if (rename(tmp, sw->path) != 0)
		LOG_WARN("status: rename %s: %s", tmp, strerror(errno));
	json_decref(doc);
}

static void *
writer_main(void *arg)
{
	struct status_writer *sw = arg;

	pthread_mutex_lock(&sw->lock);
	for (;;) {
		json_t *doc;

		while (sw->pending == NULL && !sw->stopping)
			pthread_cond_wait(&sw->cond, &sw->lock);
		doc = sw->pending;
		sw->pending = NULL;
		if (doc == NULL)
			break; /* stopping, nothing left */
		pthread_mutex_unlock(&sw->lock);
		write_one(sw, doc);
		pthread_mutex_lock(&sw->lock);
	}
	pthread_mutex_unlock(&sw->lock);
	return NULL;
}

int
status_writer_start(struct status_writer *sw, const char *path)
{
	int rc;

	memset(sw, 0, sizeof(*sw));
	if (strlen(path) >= sizeof(sw->path))
		return -ENAMETOOLONG;
	snprintf(sw->path, sizeof(sw->path), "%s", path);
	pthread_mutex_init(&sw->lock, NULL);
	pthread_cond_init(&sw->cond, NULL);
	rc = pthread_create(&sw->thread, NULL, writer_main, sw);
	if (rc != 0)
		return -rc;
	sw->started = true;
	return 0;
}

void
status_writer_post(struct status_writer *sw, json_t *doc)
{
	json_t *old;

	if (!sw->started) {
		json_decref(doc);
		return;
	}
	pthread_mutex_lock(&sw->lock);
	old = sw->pending;	/* not written yet: the newer document replaces it */
	sw->pending = doc;
	pthread_cond_signal(&sw->cond);
	pthread_mutex_unlock(&sw->lock);
	json_decref(old);
}

void
status_writer_stop(struct status_writer *sw)
{
	if (!sw->started)
		return;
	pthread_mutex_lock(&sw->lock);
	sw->stopping = true;
	pthread_cond_signal(&sw->cond);
	pthread_mutex_unlock(&sw->lock);
	pthread_join(sw->thread, NULL);
	pthread_mutex_destroy(&sw->lock);
	pthread_cond_destroy(&sw->cond);
	sw->started = false;
}
