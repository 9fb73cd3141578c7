/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "media_expect.h"

_Static_assert(sizeof(struct media_key) == 32, "media key is 32 bytes (SSE compare)");

static struct rte_hash *table;
static struct rte_mempool *records;
static struct rte_rcu_qsbr *qsbr;

/* Called by the hash's RCU defer queue once no reader can still hold the record. */
static void
free_record(void *p, void *key_data)
{
	(void)p;
	rte_mempool_put(records, key_data);
}

int
media_expect_init(uint32_t capacity, unsigned int n_readers, int socket)
{
	struct rte_hash_parameters hp = {
		.name = "media_expect",
		.entries = capacity,
		.key_len = sizeof(struct media_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD,
	};
	struct rte_hash_rcu_config rc = { 0 };
	size_t sz;

	sz = rte_rcu_qsbr_get_memsize(n_readers);
	qsbr = rte_zmalloc_socket("media_qsbr", sz, RTE_CACHE_LINE_SIZE, socket);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, n_readers) != 0)
		goto fail;
	table = rte_hash_create(&hp);
	/* Records are freed by the defer queue, possibly on another lcore: a mempool. Twice
	 * the capacity leaves room for records waiting out their grace period. */
	records = rte_mempool_create("media_rec", capacity * 2, sizeof(struct media_expect_info),
			0, 0, NULL, NULL, NULL, NULL, socket, 0);
	if (table == NULL || records == NULL)
		goto fail;
	rc.v = qsbr;
	rc.mode = RTE_HASH_QSBR_MODE_DQ;
	rc.free_key_data_func = free_record;
	if (rte_hash_rcu_qsbr_add(table, &rc) != 0)
		goto fail;
	return 0;
fail:
	media_expect_free();
	return -ENOMEM;
}

void
media_expect_free(void)
{
	rte_hash_free(table);
	table = NULL;
	rte_mempool_free(records);
	records = NULL;
	rte_free(qsbr);
	qsbr = NULL;
}

struct rte_rcu_qsbr *
media_expect_qsbr(void)
{
	return qsbr;
}

int
media_expect_add(const struct media_key *k, const struct media_expect_info *info)
{
	struct media_expect_info *rec;
	void *old = NULL;
	int rc;

	if (rte_mempool_get(records, (void **)&rec) != 0)
		return -ENOMEM;
	memcpy(rec, info, sizeof(*rec));
	/* A replaced record may still be read: delete (deferred free), then add. A reader in
	 * between sees no expectation for a moment, which only delays classification. */
	if (rte_hash_lookup_data(table, k, &old) >= 0)
		rte_hash_del_key(table, k);
	rc = rte_hash_add_key_data(table, k, rec);
	if (rc != 0) {
		rte_mempool_put(records, rec);
		return rc == -ENOSPC ? -ENOSPC : rc;
	}
	return 0;
}

int
media_expect_del(const struct media_key *k)
{
	return rte_hash_del_key(table, k) >= 0 ? 0 : -ENOENT;
}

int
media_expect_del_owned(const struct media_key *k, uint64_t call)
{
	const struct media_expect_info *info = media_expect_lookup(k);

	if (info == NULL)
		return -ENOENT;
	/* A newer call re-published the endpoint: it is not ours to withdraw. (Another worker
	 * could re-publish between this check and the delete; that call then re-publishes on
	 * its next offer/answer. Documented in docs/calls.md.) */
	if (info->call != call)
		return -EBUSY;
	return media_expect_del(k);
}

const struct media_expect_info *
media_expect_lookup(const struct media_key *k)
{
	void *data;

	if (table == NULL || rte_hash_lookup_data(table, k, &data) < 0)
		return NULL;
	return data;
}

uint32_t
media_expect_count(void)
{
	return table ? (uint32_t)rte_hash_count(table) : 0;
}
