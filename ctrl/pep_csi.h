/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The PacketCable Multimedia payloads vpep's COPS profile carries (docs/cops.md), shared by
 * vpep-ctrl (encodes admission REQs, reads DEC gates) and vpep-pdp (the reverse). Pure.
 *
 * An admission REQ's ClientSI (Signaled) is a PCMM Gate-Set naming the gate vpep-ctrl will
 * install: TransactionID, AMID, SubscriberID (the INVITE's source), GateID (chosen by
 * vpep-ctrl, as a CMTS does), GateSpec, a FlowSpec traffic profile (the call's bandwidth),
 * one Classifier per media stream (offerer -> answerer RTP, UDP) and an Opaque Data object
 * with the call's identities as text: "call-id=..;from=..;to=..;codec=..;bw=..".
 */

#ifndef VPEP_CTRL_PEP_CSI_H
#define VPEP_CTRL_PEP_CSI_H

#include <stdint.h>

#include "pcmm.h"
#include "vpep_ipc.h"

#define PEP_CSI_AMID_APP	1	/* AMID application type vpep uses */
#define PEP_CSI_AMID_TAG	0x5650	/* "VP" */
#define PEP_CSI_OPAQUE_MAX	480

/* What a PDP learns from an admission REQ. */
struct pep_csi_call {
	uint32_t gate_id;
	struct pcmm_subscriber_id subscriber;
	char call_id[VPEP_IPC_URI_LEN];
	char from[VPEP_IPC_URI_LEN];
	char to[VPEP_IPC_URI_LEN];
	char codecs[64];		/* comma-separated */
	uint64_t bandwidth_bps;
	uint8_t n_cls;
	struct pcmm_classifier cls[PCMM_MAX_CLASSIFIERS];
};

/* Build the gate of an admission REQ. txn is the PCMM TransactionID. */
void pep_csi_gate_from_admission(const struct vpep_ipc_admission *a, uint32_t gate_id,
	uint16_t txn, struct pcmm_gate *g, char *opaque, uint16_t opaque_cap);
/* Encode it: bytes written or -errno. */
int pep_csi_encode_admission(const struct vpep_ipc_admission *a, uint32_t gate_id,
	uint16_t txn, uint8_t *buf, uint32_t cap);
/* Read an admission REQ's gate (decoded with pcmm_gate_decode). 0 or -EINVAL. */
int pep_csi_parse_call(const struct pcmm_gate *g, struct pep_csi_call *c);

/* A DEC gate's enforcement: DSCP (from the GateSpec when it asks to overwrite; else
 * VPEP_IPC_DSCP_KEEP) and meter (from the FlowSpec or DOCSIS rate, none otherwise). */
uint8_t pep_csi_dscp(const struct pcmm_gate *g);
void pep_csi_meter(const struct pcmm_gate *g, struct vpep_ipc_meter *m);
/* A provisioned gate (Gate-Set pushed by the PDP) as a dataplane gate; first classifier. */
int pep_csi_gate_to_ipc(const struct pcmm_gate *g, uint32_t gate_id, struct vpep_ipc_gate *out);
/* The reverse, for Gate-Info-Ack. */
void pep_csi_gate_from_ipc(const struct vpep_ipc_gate *in, struct pcmm_gate *g);

#endif /* VPEP_CTRL_PEP_CSI_H */
