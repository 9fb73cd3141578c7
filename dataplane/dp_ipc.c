/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_random.h>
#include <rte_ring.h>

#include "dp.h"
#include "dp_ipc.h"
#include "policy.h"
#include "sip_worker.h"

#define EVENT_RING 4096
#define OP_RING 1024
#define RX_CAP (64u << 10)
#define TX_LIMIT (64u << 20) /* a vpep-ctrl this far behind is disconnected */

/* What travels on the rings: one message body with its type. */
struct ev {
	uint16_t type;
	uint16_t pad;
	uint32_t seq; /* ops/results: the request's seq */
	union {
		struct vpep_ipc_admission adm;
		struct vpep_ipc_call_end end;
		struct vpep_ipc_decision dec;
		struct vpep_ipc_result res;
	} u;
};

static struct {
	int lfd, cfd, efd;
	char path[108];
	bool hello;			/* the client said HELLO */
	unsigned int n_workers;
	struct rte_ring *events;	/* workers -> control: ADMISSION, CALL_END, RESULT */
	struct rte_ring *ops[DP_MAX_WORKERS]; /* control -> worker: DECISION */
	uint8_t *rx;
	uint32_t rx_n;
	uint8_t *tx;
	size_t tx_n, tx_cap;
	uint32_t seq;
	uint64_t instance;
	struct dp_ipc_stats st;
} ipc = { .lfd = -1, .cfd = -1, .efd = -1 };

static uint32_t attached; /* atomic: workers read it */

bool
dp_ipc_attached(void)
{
	return __atomic_load_n(&attached, __ATOMIC_ACQUIRE) != 0;
}

int
dp_ipc_init(const char *path, unsigned int n_workers, char *err, size_t err_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, err_len, "ipc.socket: path longer than %zu bytes", sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(ipc.path, sizeof(ipc.path), "%s", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ipc.n_workers = n_workers;
	ipc.instance = rte_rand();
	ipc.events = rte_ring_create_elem("ipc_events", sizeof(struct ev), EVENT_RING,
			(int)rte_socket_id(), RING_F_SC_DEQ);
	for (i = 0; i < n_workers; i++) {
		snprintf(name, sizeof(name), "ipc_ops%u", i);
		ipc.ops[i] = rte_ring_create_elem(name, sizeof(struct ev), OP_RING,
				(int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (ipc.ops[i] == NULL)
			break;
	}
	ipc.rx = malloc(RX_CAP);
	ipc.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ipc.events == NULL || i < n_workers || ipc.rx == NULL || ipc.efd < 0) {
		snprintf(err, err_len, "ipc: cannot allocate rings or eventfd");
		dp_ipc_free();
		return -ENOMEM;
	}
	ipc.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ipc.lfd < 0) {
		snprintf(err, err_len, "ipc.socket: socket: %s", strerror(errno));
		dp_ipc_free();
		return -errno;
	}
	unlink(path); /* a socket file left by an earlier run */
	if (bind(ipc.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ipc.lfd, 4) != 0) {
		int e = errno;

		snprintf(err, err_len, "ipc.socket: cannot listen on %s: %s", path, strerror(e));
		dp_ipc_free();
		return -e;
	}
	return 0;
}

static void
drop_client(void)
{
	if (ipc.cfd >= 0) {
		close(ipc.cfd);
		ipc.st.disconnects++;
	}
	ipc.cfd = -1;
	ipc.hello = false;
	ipc.rx_n = 0;
	ipc.tx_n = 0;
	__atomic_store_n(&attached, 0, __ATOMIC_RELEASE);
}

void
dp_ipc_free(void)
{
	unsigned int i;

	drop_client();
	if (ipc.lfd >= 0) {
		close(ipc.lfd);
		unlink(ipc.path);
	}
	if (ipc.efd >= 0)
		close(ipc.efd);
	rte_ring_free(ipc.events);
	for (i = 0; i < DP_MAX_WORKERS; i++)
		rte_ring_free(ipc.ops[i]);
	free(ipc.rx);
	free(ipc.tx);
	memset(&ipc, 0, sizeof(ipc));
	ipc.lfd = ipc.cfd = ipc.efd = -1;
}

void
dp_ipc_stats(struct dp_ipc_stats *st)
{
	*st = ipc.st;
}

/* ---- output ---- */

static void
flush(void)
{
	while (ipc.cfd >= 0 && ipc.tx_n > 0) {
		ssize_t n = send(ipc.cfd, ipc.tx, ipc.tx_n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			drop_client();
			return;
		}
		memmove(ipc.tx, ipc.tx + n, ipc.tx_n - (size_t)n);
		ipc.tx_n -= (size_t)n;
	}
}

static void
send_msg(uint16_t type, uint32_t seq, const void *body, uint32_t len)
{
	struct vpep_ipc_hdr h = { .magic = VPEP_IPC_MAGIC, .version = VPEP_IPC_VERSION,
		.type = type, .len = len, .seq = seq };
	size_t need = ipc.tx_n + sizeof(h) + len;

	if (ipc.cfd < 0)
		return;
	if (need > TX_LIMIT) {
		drop_client(); /* it stopped reading: keep our memory, let it reconnect and resync */
		return;
	}
	if (need > ipc.tx_cap) {
		size_t cap = ipc.tx_cap ? ipc.tx_cap : 65536;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = realloc(ipc.tx, cap);
		if (p == NULL) {
			drop_client();
			return;
		}
		ipc.tx = p;
		ipc.tx_cap = cap;
	}
	memcpy(ipc.tx + ipc.tx_n, &h, sizeof(h));
	if (len > 0)
		memcpy(ipc.tx + ipc.tx_n + sizeof(h), body, len);
	ipc.tx_n = need;
	ipc.st.msgs_out++;
}

static void
send_result(uint32_t seq, uint16_t type, int32_t status, uint32_t gate_id, const char *msg)
{
	struct vpep_ipc_result r = { .ref_seq = seq, .ref_type = type, .status = status,
		.gate_id = gate_id };

	snprintf(r.msg, sizeof(r.msg), "%s", msg ? msg : "");
	send_msg(VPEP_IPC_RESULT, ++ipc.seq, &r, sizeof(r));
}

/* ---- events from workers ---- */

static void
wake(void)
{
	uint64_t one = 1;
	ssize_t n = write(ipc.efd, &one, sizeof(one));

	(void)n; /* a full counter still wakes the reader */
}

static void
enqueue_event(struct ev *e)
{
	if (rte_ring_mp_enqueue_elem(ipc.events, e, sizeof(*e)) != 0) {
		__atomic_fetch_add(&ipc.st.events_dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	wake();
}

void
dp_ipc_admission(const struct vpep_ipc_admission *a)
{
	struct ev e = { .type = VPEP_IPC_ADMISSION };

	if (ipc.events == NULL)
		return;
	if (!dp_ipc_attached()) {
		__atomic_fetch_add(&ipc.st.events_unsent, 1, __ATOMIC_RELAXED);
		return;
	}
	e.u.adm = *a;
	enqueue_event(&e);
}

void
dp_ipc_call_end(const struct vpep_ipc_call_end *ce)
{
	struct ev e = { .type = VPEP_IPC_CALL_END };

	if (ipc.events == NULL)
		return;
	if (!dp_ipc_attached()) {
		__atomic_fetch_add(&ipc.st.events_unsent, 1, __ATOMIC_RELAXED);
		return;
	}
	e.u.end = *ce;
	enqueue_event(&e);
}

void
dp_ipc_worker_ops(struct dp_worker *w)
{
	struct ev e, r;
	char err[96];

	if (ipc.ops[w->id] == NULL)
		return;
	while (rte_ring_sc_dequeue_elem(ipc.ops[w->id], &e, sizeof(e)) == 0) {
		int rc;

		err[0] = '\0';
		rc = policy_call_decide(w->id, e.u.dec.call_handle, &e.u.dec, err, sizeof(err));
		memset(&r, 0, sizeof(r));
		r.type = VPEP_IPC_RESULT;
		r.u.res.ref_seq = e.seq;
		r.u.res.ref_type = VPEP_IPC_DECISION;
		r.u.res.status = rc;
		r.u.res.gate_id = e.u.dec.gate_id;
		snprintf(r.u.res.msg, sizeof(r.u.res.msg), "%s", err);
		/* results are never dropped silently: retry while the control thread drains */
		while (rte_ring_mp_enqueue_elem(ipc.events, &r, sizeof(r)) != 0)
			rte_pause();
		wake();
	}
}

static void
drain_events(void)
{
	struct ev e;

	while (rte_ring_sc_dequeue_elem(ipc.events, &e, sizeof(e)) == 0) {
		switch (e.type) {
		case VPEP_IPC_ADMISSION:
			send_msg(VPEP_IPC_ADMISSION, ++ipc.seq, &e.u.adm, sizeof(e.u.adm));
			break;
		case VPEP_IPC_CALL_END:
			send_msg(VPEP_IPC_CALL_END, ++ipc.seq, &e.u.end, sizeof(e.u.end));
			break;
		case VPEP_IPC_RESULT:
			if (e.u.res.status == 0)
				ipc.st.decisions++;
			else
				ipc.st.decisions_failed++;
			send_msg(VPEP_IPC_RESULT, ++ipc.seq, &e.u.res, sizeof(e.u.res));
			break;
		}
	}
}

/* ---- requests from vpep-ctrl ---- */

static uint32_t
body_len(uint16_t type)
{
	switch (type) {
	case VPEP_IPC_HELLO: return sizeof(struct vpep_ipc_hello);
	case VPEP_IPC_DECISION: return sizeof(struct vpep_ipc_decision);
	case VPEP_IPC_GATE_SET: return sizeof(struct vpep_ipc_gate);
	case VPEP_IPC_GATE_DELETE: return sizeof(struct vpep_ipc_gate_delete);
	case VPEP_IPC_RESYNC_REQ: return 0;
	case VPEP_IPC_STATS_REQ: return 0;
	default: return UINT32_MAX;
	}
}

static void
send_hello(void)
{
	struct vpep_ipc_hello h = { .instance_id = ipc.instance, .start_unix_ns = dp.start_unix_ns,
		.pid = (uint32_t)getpid(), .role = 1 };

	snprintf(h.name, sizeof(h.name), "vpep-dataplane %s", VPEP_VERSION);
	send_msg(VPEP_IPC_HELLO, ++ipc.seq, &h, sizeof(h));
}

/* Every call that has a gate, as ADMISSION(RESYNC|DECIDED) + GATE_STATE, then RESYNC_DONE. */
static void
resync(void)
{
	struct vpep_ipc_resync_done done = { 0 };
	unsigned int w;

	ipc.st.resyncs++;
	for (w = 0; w < ipc.n_workers; w++) {
		uint32_t slot;

		for (slot = 0; slot < dp.conf.sip.calls; slot++) {
			struct vpep_ipc_admission a;
			struct vpep_ipc_gate_state gs;
			uint64_t h;

			if (policy_gate_report(w, slot, &h, &a, &gs) != 0)
				continue;
			send_msg(VPEP_IPC_ADMISSION, ++ipc.seq, &a, sizeof(a));
			send_msg(VPEP_IPC_GATE_STATE, ++ipc.seq, &gs, sizeof(gs));
			done.calls++;
			done.gates++;
		}
	}
	send_msg(VPEP_IPC_RESYNC_DONE, ++ipc.seq, &done, sizeof(done));
}

static void
handle(const struct vpep_ipc_hdr *h, const uint8_t *body, char *(*stats_json)(void))
{
	ipc.st.msgs_in++;
	if (!ipc.hello && h->type != VPEP_IPC_HELLO) {
		send_result(h->seq, h->type, -EPROTO, 0, "HELLO first");
		return;
	}
	switch (h->type) {
	case VPEP_IPC_HELLO:
		if (!ipc.hello)
			send_hello();
		ipc.hello = true;
		__atomic_store_n(&attached, 1, __ATOMIC_RELEASE);
		break;
	case VPEP_IPC_DECISION: {
		struct ev e = { .type = VPEP_IPC_DECISION, .seq = h->seq };
		unsigned int w;
		struct call_ref ref;

		memcpy(&e.u.dec, body, sizeof(e.u.dec));
		if (!dp.policy_on) {
			send_result(h->seq, h->type, -ENOTSUP, e.u.dec.gate_id,
					"no policy configured in the dataplane");
			break;
		}
		if (sip_call_handle_split(e.u.dec.call_handle, &w, &ref) != 0 || w >= ipc.n_workers) {
			ipc.st.decisions_failed++;
			send_result(h->seq, h->type, -ENOENT, e.u.dec.gate_id, "no such call handle");
			break;
		}
		if (rte_ring_sp_enqueue_elem(ipc.ops[w], &e, sizeof(e)) != 0) {
			ipc.st.decisions_failed++;
			send_result(h->seq, h->type, -ENOSPC, e.u.dec.gate_id, "worker op ring full");
		}
		break;
	}
	case VPEP_IPC_GATE_SET:
	case VPEP_IPC_GATE_DELETE:
		send_result(h->seq, h->type, -ENOTSUP, 0,
				"provisioned gates by classifier are not supported yet");
		break;
	case VPEP_IPC_RESYNC_REQ:
		resync();
		break;
	case VPEP_IPC_STATS_REQ: {
		char *doc = stats_json();

		if (doc == NULL) {
			send_result(h->seq, h->type, -ENOMEM, 0, "cannot build the statistics");
			break;
		}
		send_msg(VPEP_IPC_STATS, ++ipc.seq, doc, (uint32_t)strlen(doc));
		free(doc);
		break;
	}
	default:
		send_result(h->seq, h->type, -ENOTSUP, 0, "unknown message type");
		break;
	}
}

/* Parse what arrived; false when the peer broke the framing (the connection is closed). */
static bool
parse_rx(char *(*stats_json)(void))
{
	uint32_t off = 0;

	while (ipc.rx_n - off >= sizeof(struct vpep_ipc_hdr)) {
		struct vpep_ipc_hdr h;
		uint32_t want;

		memcpy(&h, ipc.rx + off, sizeof(h));
		if (h.magic != VPEP_IPC_MAGIC || h.version != VPEP_IPC_VERSION) {
			ipc.st.protocol_errors++;
			return false;
		}
		want = body_len(h.type);
		if (want == UINT32_MAX) {
			/* unknown type: skip a sane body, answer, carry on (forward compatible) */
			if (h.len > RX_CAP - sizeof(h)) {
				ipc.st.protocol_errors++;
				return false;
			}
			want = h.len;
		} else if (h.len != want) {
			ipc.st.protocol_errors++;
			return false;
		}
		if (ipc.rx_n - off < sizeof(h) + want)
			break;
		handle(&h, ipc.rx + off + sizeof(h), stats_json);
		off += (uint32_t)sizeof(h) + want;
		if (ipc.cfd < 0)
			return true;
	}
	memmove(ipc.rx, ipc.rx + off, ipc.rx_n - off);
	ipc.rx_n -= off;
	return true;
}

void
dp_ipc_poll(uint64_t timeout_us, char *(*stats_json)(void))
{
	struct pollfd p[3];
	uint64_t v;
	int n, fd;

	if (ipc.lfd < 0) {
		rte_delay_us_sleep((unsigned int)timeout_us);
		return;
	}
	p[0] = (struct pollfd){ .fd = ipc.lfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = ipc.efd, .events = POLLIN };
	p[2] = (struct pollfd){ .fd = ipc.cfd, .events = POLLIN |
		(ipc.tx_n > 0 ? POLLOUT : 0) };
	n = poll(p, ipc.cfd >= 0 ? 3 : 2, (int)((timeout_us + 999) / 1000));
	if (n < 0)
		return;
	if (p[1].revents & POLLIN) {
		ssize_t r = read(ipc.efd, &v, sizeof(v));

		(void)r;
	}
	drain_events();
	if (p[0].revents & POLLIN) {
		while ((fd = accept4(ipc.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
			if (ipc.cfd >= 0) {
				close(fd); /* one vpep-ctrl at a time */
				ipc.st.refused++;
				continue;
			}
			ipc.cfd = fd;
			ipc.st.connections++;
		}
	}
	if (ipc.cfd >= 0 && n > 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
		for (;;) {
			ssize_t r = recv(ipc.cfd, ipc.rx + ipc.rx_n, RX_CAP - ipc.rx_n, MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
						   errno != EINTR)) {
				drop_client();
				break;
			}
			if (r < 0)
				break;
			ipc.rx_n += (uint32_t)r;
			if (!parse_rx(stats_json)) {
				drop_client();
				break;
			}
			if (ipc.cfd < 0 || ipc.rx_n == RX_CAP)
				break;
		}
	}
	flush();
}
