/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <string.h>

#include "rtcp_parse.h"

static const char *const rtcp_status_names[RTCP_STATUS_MAX] = {
	[RTCP_OK] = "ok",
	[RTCP_ERR_TOO_SHORT] = "too_short",
	[RTCP_ERR_VERSION] = "bad_version",
	[RTCP_ERR_FIRST_PT] = "first_not_sr_rr",
	[RTCP_ERR_FIRST_PADDING] = "first_padding",
	[RTCP_ERR_PADDING_NOT_LAST] = "padding_not_last",
	[RTCP_ERR_PADDING] = "bad_padding",
	[RTCP_ERR_LENGTH] = "bad_length",
	[RTCP_ERR_SR_RR] = "bad_sr_rr",
	[RTCP_ERR_SDES] = "bad_sdes",
	[RTCP_ERR_BYE] = "bad_bye",
	[RTCP_ERR_APP] = "bad_app",
	[RTCP_ERR_XR] = "bad_xr",
	[RTCP_ERR_FB] = "bad_feedback",
};

const char *
rtcp_status_name(int status)
{
	if (status < 0 || status >= RTCP_STATUS_MAX)
		return "unknown";
	return rtcp_status_names[status];
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* One packet of the compound: p[0, len) is its body after the 4-octet header. */
struct rtcp_pkt {
	const uint8_t *p;
	uint32_t len;  /* body length, padding removed */
	uint32_t off;  /* offset of the body in the datagram */
	uint8_t count; /* RC / SC / subtype */
	uint8_t pt;
};

static void
add_report_blocks(struct rtcp_info *out, uint32_t reporter, const uint8_t *p, uint8_t rc)
{
	uint8_t i;

	for (i = 0; i < rc; i++, p += 24) {
		struct rtcp_report_block *b;
		uint32_t lost;

		if (out->n_rb == RTCP_MAX_RB) {
			out->rb_dropped++;
			continue;
		}
		b = &out->rb[out->n_rb++];
		b->reporter_ssrc = reporter;
		b->ssrc = rd32(p);
		b->fraction_lost = p[4];
		/* 24-bit two's complement: sign-extend from bit 23. */
		lost = ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
		b->cum_lost = (int32_t)(lost ^ 0x800000u) - 0x800000;
		b->ext_high_seq = rd32(p + 8);
		b->jitter = rd32(p + 12);
		b->lsr = rd32(p + 16);
		b->dlsr = rd32(p + 20);
	}
}

static int
parse_sr_rr(const struct rtcp_pkt *k, struct rtcp_info *out)
{
	uint32_t need = 4 + (k->pt == RTCP_PT_SR ? 20u : 0u) + (uint32_t)k->count * 24;
	const uint8_t *p = k->p;
	uint32_t ssrc;

	/* Profile-specific extensions may follow the blocks, so only a minimum is checked. */
	if (k->len < need) {
		out->err_offset = k->off;
		return RTCP_ERR_SR_RR;
	}
	ssrc = rd32(p);
	p += 4;
	if (k->pt == RTCP_PT_SR) {
		if (!out->has_sr) {
			out->has_sr = true;
			out->sr.ssrc = ssrc;
			out->sr.ntp_sec = rd32(p);
			out->sr.ntp_frac = rd32(p + 4);
			out->sr.rtp_ts = rd32(p + 8);
			out->sr.packet_count = rd32(p + 12);
			out->sr.octet_count = rd32(p + 16);
		}
		p += 20;
	}
	add_report_blocks(out, ssrc, p, k->count);
	return RTCP_OK;
}

static int
parse_sdes(const struct rtcp_pkt *k, struct rtcp_info *out)
{
	uint32_t pos = 0;
	uint8_t chunk;

	for (chunk = 0; chunk < k->count; chunk++) {
		uint32_t ssrc;

		if (k->len - pos < 4)
			goto bad;
		ssrc = rd32(k->p + pos);
		pos += 4;
		for (;;) {
			uint8_t type, ilen;

			if (pos >= k->len)
				goto bad;
			type = k->p[pos];
			if (type == RTCP_SDES_END) {
				/* The null octet(s) pad the chunk to the next 32-bit boundary. */
				pos++;
				pos = (pos + 3) & ~3u;
				if (pos > k->len)
					goto bad;
				break;
			}
			if (k->len - pos < 2 || (uint32_t)k->p[pos + 1] > k->len - pos - 2)
				goto bad;
			ilen = k->p[pos + 1];
			if (out->n_sdes < RTCP_MAX_SDES_ITEMS) {
				struct rtcp_sdes_item *it = &out->sdes[out->n_sdes++];

				it->ssrc = ssrc;
				it->type = type;
				it->len = ilen;
				it->off = k->off + pos + 2;
			} else {
				out->sdes_dropped++;
			}
			pos += 2u + ilen;
		}
	}
	return RTCP_OK;
bad:
	out->err_offset = k->off + pos;
	return RTCP_ERR_SDES;
}

static int
parse_bye(const struct rtcp_pkt *k, struct rtcp_info *out)
{
	uint32_t need = (uint32_t)k->count * 4, i;

	if (k->len < need) {
		out->err_offset = k->off;
		return RTCP_ERR_BYE;
	}
	for (i = 0; i < k->count; i++) {
		if (out->n_bye < RTCP_MAX_BYE_SSRC)
			out->bye_ssrc[out->n_bye++] = rd32(k->p + i * 4);
		else
			out->bye_dropped++;
	}
	if (k->len > need) {
		uint8_t rlen = k->p[need];

		if ((uint32_t)rlen > k->len - need - 1) {
			out->err_offset = k->off + need;
			return RTCP_ERR_BYE;
		}
		if (!out->has_bye_reason) {
			out->has_bye_reason = true;
			out->bye_reason_len = rlen;
			out->bye_reason_off = k->off + need + 1;
		}
	}
	return RTCP_OK;
}

static int
parse_app(const struct rtcp_pkt *k, struct rtcp_info *out)
{
	if (k->len < 8) {
		out->err_offset = k->off;
		return RTCP_ERR_APP;
	}
	if (!out->has_app) {
		out->has_app = true;
		out->app_subtype = k->count;
		out->app_ssrc = rd32(k->p);
		memcpy(out->app_name, k->p + 4, 4);
		out->app_data_off = k->off + 8;
		out->app_data_len = k->len - 8;
	}
	return RTCP_OK;
}

static void
parse_voip(const uint8_t *p, struct rtcp_xr_voip *v)
{
	v->ssrc = rd32(p);
	v->loss_rate = p[4];
	v->discard_rate = p[5];
	v->burst_density = p[6];
	v->gap_density = p[7];
	v->burst_duration = rd16(p + 8);
	v->gap_duration = rd16(p + 10);
	v->round_trip_delay = rd16(p + 12);
	v->end_system_delay = rd16(p + 14);
	v->signal_level = (int8_t)p[16];
	v->noise_level = (int8_t)p[17];
	v->rerl = p[18];
	v->gmin = p[19];
	v->r_factor = p[20];
	v->ext_r_factor = p[21];
	v->mos_lq = p[22];
	v->mos_cq = p[23];
	v->rx_config = p[24];
	v->jb_nominal = rd16(p + 26);
	v->jb_maximum = rd16(p + 28);
	v->jb_abs_max = rd16(p + 30);
}

static int
parse_xr(const struct rtcp_pkt *k, struct rtcp_info *out)
{
	uint32_t pos = 4;

	if (k->len < 4) {
		out->err_offset = k->off;
		return RTCP_ERR_XR;
	}
	if (out->xr_ssrc == 0)
		out->xr_ssrc = rd32(k->p);
	while (pos < k->len) {
		uint8_t bt;
		uint32_t blen;
		const uint8_t *b;

		/* Block header: type, type-specific, length in 32-bit words after the header. */
		if (k->len - pos < 4)
			goto bad;
		bt = k->p[pos];
		blen = (uint32_t)rd16(k->p + pos + 2) * 4;
		if (blen > k->len - pos - 4)
			goto bad;
		b = k->p + pos + 4;
		if (bt < 32)
			out->xr_types |= 1u << bt;
		switch (bt) {
		case RTCP_XR_RRT:
			if (blen != 8)
				goto bad;
			if (!out->has_rrt) {
				out->has_rrt = true;
				out->rrt_ntp_sec = rd32(b);
				out->rrt_ntp_frac = rd32(b + 4);
			}
			break;
		case RTCP_XR_DLRR: {
			uint32_t i;

			if (blen % 12 != 0)
				goto bad;
			for (i = 0; i < blen; i += 12) {
				if (out->n_dlrr == RTCP_MAX_DLRR) {
					out->dlrr_dropped++;
					continue;
				}
				out->dlrr[out->n_dlrr].ssrc = rd32(b + i);
				out->dlrr[out->n_dlrr].lrr = rd32(b + i + 4);
				out->dlrr[out->n_dlrr].dlrr = rd32(b + i + 8);
				out->n_dlrr++;
			}
			break;
		}
		case RTCP_XR_VOIP:
			if (blen != 32)
				goto bad;
			if (!out->has_voip) {
				out->has_voip = true;
				parse_voip(b, &out->voip);
			}
			break;
		default:
			/* Other block types (1-3, 6, 8+): length-checked and skipped. */
			break;
		}
		pos += 4 + blen;
	}
	return RTCP_OK;
bad:
	out->err_offset = k->off + pos;
	return RTCP_ERR_XR;
}

int
rtcp_parse(const uint8_t *buf, uint32_t len, uint32_t flags, struct rtcp_info *out)
{
	uint32_t off = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < 4)
		return RTCP_ERR_TOO_SHORT;

	while (off < len) {
		struct rtcp_pkt k;
		uint32_t plen;
		bool padding;
		uint8_t pt;

		out->err_offset = off;
		if (len - off < 4)
			return RTCP_ERR_TOO_SHORT;
		if ((buf[off] >> 6) != RTCP_VERSION)
			return RTCP_ERR_VERSION;
		padding = (buf[off] >> 5) & 1;
		pt = buf[off + 1];
		/* length: 32-bit words minus one, i.e. the body in words. */
		plen = 4 + (uint32_t)rd16(buf + off + 2) * 4;
		if (plen > len - off)
			return RTCP_ERR_LENGTH;

		if (off == 0) {
			if (pt != RTCP_PT_SR && pt != RTCP_PT_RR) {
				if (!(flags & RTCP_PARSE_F_REDUCED_SIZE))
					return RTCP_ERR_FIRST_PT;
				out->reduced_size = true;
			} else if (padding) {
				/* A.2 checks P == 0 in the first packet of a compound. */
				return RTCP_ERR_FIRST_PADDING;
			}
		}

		k.p = buf + off + 4;
		k.off = off + 4;
		k.len = plen - 4;
		k.count = buf[off] & 0x1f;
		k.pt = pt;
		if (padding) {
			uint8_t pad;

			/* Only the last packet may be padded (RFC 3550 6.4.1 / A.2). */
			if (off + plen != len)
				return RTCP_ERR_PADDING_NOT_LAST;
			pad = buf[off + plen - 1];
			if (pad == 0 || (pad & 3) != 0 || pad > k.len)
				return RTCP_ERR_PADDING;
			k.len -= pad;
		}

		if (out->n_packets == 0)
			out->sender_ssrc = k.len >= 4 ? rd32(k.p) : 0;
		out->n_packets++;
		if (pt >= 192 && pt <= 223)
			out->types |= RTCP_TYPE_BIT(pt);

		switch (pt) {
		case RTCP_PT_SR:
		case RTCP_PT_RR:
			rc = parse_sr_rr(&k, out);
			break;
		case RTCP_PT_SDES:
			rc = parse_sdes(&k, out);
			break;
		case RTCP_PT_BYE:
			rc = parse_bye(&k, out);
			break;
		case RTCP_PT_APP:
			rc = parse_app(&k, out);
			break;
		case RTCP_PT_XR:
			rc = parse_xr(&k, out);
			break;
		case RTCP_PT_RTPFB:
		case RTCP_PT_PSFB:
			/* RFC 4585: sender SSRC and media SSRC at least. */
			rc = k.len < 8 ? RTCP_ERR_FB : RTCP_OK;
			out->n_other++;
			break;
		default:
			out->n_other++;
			rc = RTCP_OK;
			break;
		}
		if (rc != RTCP_OK) {
			if (rc == RTCP_ERR_FB)
				out->err_offset = k.off;
			return rc;
		}
		off += plen;
	}
	out->err_offset = 0;
	return RTCP_OK;
}

/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
#define NTP_UNIX_OFFSET 2208988800ull

uint32_t
rtcp_ntp_mid32_of(uint32_t ntp_sec, uint32_t ntp_frac)
{
	return (ntp_sec << 16) | (ntp_frac >> 16);
}

uint32_t
rtcp_ntp_mid32(uint64_t unix_ns)
{
	uint64_t sec = unix_ns / 1000000000ull + NTP_UNIX_OFFSET;
	uint64_t ns = unix_ns % 1000000000ull;
	/* fraction = ns * 2^32 / 1e9; ns < 2^30 so the product fits in 62 bits. */
	uint32_t frac = (uint32_t)((ns << 32) / 1000000000ull);

	return rtcp_ntp_mid32_of((uint32_t)sec, frac);
}

int
rtcp_rtt(uint32_t a, uint32_t lsr, uint32_t dlsr, uint32_t *rtt)
{
	uint32_t since;

	if (lsr == 0)
		return -EINVAL;
	/* Modular: the middle 32 bits wrap every 18.2 hours. */
	since = a - lsr;
	if (since >= 0x80000000u || dlsr > since)
		return -ERANGE;
	*rtt = since - dlsr;
	return 0;
}

uint64_t
rtcp_q16_to_us(uint32_t q16)
{
	return ((uint64_t)q16 * 1000000ull + 32768) >> 16;
}
