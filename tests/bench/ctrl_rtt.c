/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * ctrl_rtt: the dataplane's end of include/vpep_ipc.h reduced to what the admission benchmark
 * needs, in C so that the measuring side adds as little as possible. It listens on a Unix
 * socket, answers vpep-ctrl's HELLO and RESYNC_REQ, then sends ADMISSION events at a fixed
 * rate and timestamps each DECISION (CLOCK_MONOTONIC), answering it with a RESULT.
 *
 *   ctrl_rtt SOCKET CALLS RATE   -> prints p50/p90/p99/max round trip in ms, and how many
 *                                   decisions arrived; exit 1 if some did not within 10 s.
 *   ctrl_rtt --wakeup N          -> the machine's reference: how late N sleeps of 1 ms wake
 *                                   up (p50/p90/p99/max). The round trip needs four wakeups
 *                                   (vpep-ctrl, vpep-pdp, vpep-ctrl, this), so its tail can
 *                                   not be shorter than this one's.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vpep_ipc.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t seq;

static int
send_msg(int fd, uint16_t type, const void *body, uint32_t len)
{
	uint8_t buf[sizeof(struct vpep_ipc_hdr) + sizeof(struct vpep_ipc_admission)];
	struct vpep_ipc_hdr h = {VPEP_IPC_MAGIC, VPEP_IPC_VERSION, type, len, ++seq};
	size_t n = sizeof(h) + len, off = 0;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), body, len);
	while (off < n) {
		ssize_t w = write(fd, buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
wakeup(uint32_t n)
{
	double *v = calloc(n, sizeof(*v));
	uint32_t i;

	if (v == NULL || n == 0)
		return 2;
	for (i = 0; i < n; i++) {
		struct timespec ms = {0, 1000000};
		double t = now_s();

		nanosleep(&ms, NULL);
		v[i] = (now_s() - t) * 1000.0 - 1.0;
	}
	qsort(v, n, sizeof(*v), cmp);
	printf("wakeup_late_p50_ms=%.3f\nwakeup_late_p90_ms=%.3f\nwakeup_late_p99_ms=%.3f\n"
		"wakeup_late_max_ms=%.3f\n", v[n / 2], v[n * 90 / 100], v[n * 99 / 100], v[n - 1]);
	free(v);
	return 0;
}

int
main(int argc, char **argv)
{
	static uint8_t in[1 << 20];
	struct sockaddr_un sun;
	struct vpep_ipc_admission adm;
	uint32_t calls, sent = 0, got = 0, have = 0;
	double rate, t0, *tx, *rtt, deadline;
	int lfd, fd, ready = 0;

	if (argc == 3 && strcmp(argv[1], "--wakeup") == 0)
		return wakeup((uint32_t)atoi(argv[2]));
	if (argc != 4) {
		fprintf(stderr, "usage: ctrl_rtt SOCKET CALLS RATE | ctrl_rtt --wakeup N\n");
		return 2;
	}
	calls = (uint32_t)atoi(argv[2]);
	rate = atof(argv[3]);
	tx = calloc(calls + 1, sizeof(*tx));
	rtt = calloc(calls + 1, sizeof(*rtt));
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	if (tx == NULL || rtt == NULL || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
			listen(lfd, 1) != 0) {
		perror("ctrl_rtt");
		return 2;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		perror("accept");
		return 2;
	}
	memset(&adm, 0, sizeof(adm));
	adm.caller_addr.family = 4;
	adm.caller_addr.prefix_len = 32;
	adm.caller_addr.addr[0] = 192;
	adm.caller_addr.addr[3] = 1;
	adm.n_media = 1;
	adm.media[0].offer_addr = adm.caller_addr;
	adm.media[0].answer_addr = adm.caller_addr;
	adm.media[0].answer_addr.addr[0] = 198;
	adm.media[0].answer_port = 5000;
	adm.media[0].bandwidth_bps = 87200;
	snprintf(adm.media[0].codec, sizeof(adm.media[0].codec), "PCMU");
	snprintf(adm.from_uri, sizeof(adm.from_uri), "sip:u@a.example");
	snprintf(adm.to_uri, sizeof(adm.to_uri), "sip:b@b.example");
	t0 = 0;
	deadline = now_s() + 3600;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		double now = now_s(), due = t0 + sent / rate;
		int timeout = -1;

		if (ready && sent < calls)
			timeout = due > now ? (int)((due - now) * 1000) : 0;
		else if (ready)
			timeout = (int)((deadline - now) * 1000);
		if (ready && sent == calls && (got == calls || now > deadline))
			break;
		if (poll(&p, 1, timeout < 0 ? -1 : timeout) < 0 && errno != EINTR)
			break;
		if (p.revents & POLLIN) {
			ssize_t r = read(fd, in + have, sizeof(in) - have);
			uint32_t off = 0;

			if (r <= 0)
				break;
			have += (uint32_t)r;
			now = now_s();
			while (have - off >= sizeof(struct vpep_ipc_hdr)) {
				struct vpep_ipc_hdr h;

				memcpy(&h, in + off, sizeof(h));
				if (have - off < sizeof(h) + h.len)
					break;
				if (h.type == VPEP_IPC_HELLO) {
					struct vpep_ipc_hello hello = {1, 0, (uint32_t)getpid(), 1, "ctrl_rtt"};

					send_msg(fd, VPEP_IPC_HELLO, &hello, sizeof(hello));
				} else if (h.type == VPEP_IPC_RESYNC_REQ) {
					struct vpep_ipc_resync_done rd = {0, 0};

					send_msg(fd, VPEP_IPC_RESYNC_DONE, &rd, sizeof(rd));
					ready = 1;
					t0 = now_s() + 0.2;	/* let the COPS session open */
				} else if (h.type == VPEP_IPC_DECISION) {
					struct vpep_ipc_decision d;
					struct vpep_ipc_result res;
					uint64_t i;

					memcpy(&d, in + off + sizeof(h), sizeof(d));
					i = d.call_handle - 1;
					if (i < calls && rtt[i] == 0 && d.source == VPEP_IPC_SOURCE_COPS) {
						rtt[i] = (now - tx[i]) * 1000.0;
						got++;
					}
					memset(&res, 0, sizeof(res));
					res.ref_seq = h.seq;
					res.ref_type = h.type;
					res.gate_id = d.gate_id;
					send_msg(fd, VPEP_IPC_RESULT, &res, sizeof(res));
				}
				off += (uint32_t)(sizeof(h) + h.len);
			}
			memmove(in, in + off, have - off);
			have -= off;
		}
		now = now_s();
		while (ready && sent < calls && now >= t0 + sent / rate) {
			adm.call_handle = sent + 1;
			adm.media[0].offer_port = (uint16_t)(4000 + (sent % 30000) * 2);
			snprintf(adm.call_id, sizeof(adm.call_id), "bench-%u", sent);
			tx[sent] = now_s();
			if (send_msg(fd, VPEP_IPC_ADMISSION, &adm, sizeof(adm)) != 0)
				return 1;
			sent++;
			if (sent == calls)
				deadline = now_s() + 10;
		}
	}
	{
		double *v = calloc(got + 1, sizeof(*v));
		uint32_t i, n = 0;

		for (i = 0; i < calls; i++)
			if (rtt[i] > 0)
				v[n++] = rtt[i];
		qsort(v, n, sizeof(*v), cmp);
		printf("ctrl_admissions=%u\nctrl_decisions=%u\n", calls, got);
		if (n) {
			printf("ctrl_rtt_p50_ms=%.3f\nctrl_rtt_p90_ms=%.3f\nctrl_rtt_p99_ms=%.3f\n"
				"ctrl_rtt_max_ms=%.3f\n", v[n / 2], v[n * 90 / 100], v[n * 99 / 100],
				v[n - 1]);
		}
		free(v);
	}
	return got == calls ? 0 : 1;
}
