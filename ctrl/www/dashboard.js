// SPDX-License-Identifier: BSD-3-Clause
// vpep dashboard: polls /api/v1/stats and /api/v1/pdp every second and draws them. Every
// number shown carries the API's exact value in data-value (tests compare the two), and
// #dash carries the dataplane document it shows (data-documents).
"use strict";

const HISTORY = 120;
const COLOURS = ["#3b7dd8", "#2e8b57", "#e67e22", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d",
	"#d35400", "#2c3e50", "#f1c40f", "#1abc9c", "#9b59b6"];
const history = {};	// class -> [bits/s]

function si(v, unit) {
	if (v === null || v === undefined) return "-";
	const p = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
	for (const [f, s] of p)
		if (Math.abs(v) >= f) return (v / f).toFixed(2) + " " + s + unit;
	return (Math.round(v * 100) / 100) + " " + unit;
}

function setNum(id, v, unit) {
	const e = document.getElementById(id);
	e.dataset.value = v === null || v === undefined ? "" : String(v);
	e.textContent = unit === undefined ? (v === null || v === undefined ? "-" : String(v)) : si(v, unit);
}

function cell(tr, v, unit, key) {
	const td = document.createElement("td");
	td.dataset.value = v === null || v === undefined ? "" : String(v);
	if (key) td.className = key;
	td.textContent = unit === undefined ? String(v) : si(v, unit);
	tr.appendChild(td);
}

function rows(tbody, list) {
	tbody.replaceChildren(...list);
}

function drawChart() {
	const c = document.getElementById("chart"), g = c.getContext("2d");
	const names = Object.keys(history);
	let max = 1;
	for (const n of names) for (const v of history[n]) max = Math.max(max, v || 0);
	g.clearRect(0, 0, c.width, c.height);
	g.font = "12px sans-serif";
	g.fillStyle = "#667";
	g.fillText(si(max, "bit/s"), 4, 12);
	names.forEach((n, i) => {
		const h = history[n], col = COLOURS[i % COLOURS.length];
		g.strokeStyle = col;
		g.lineWidth = 2;
		g.beginPath();
		h.forEach((v, x) => {
			const px = (c.width - 120) * (x + HISTORY - h.length) / (HISTORY - 1);
			const py = c.height - 4 - (c.height - 20) * (v || 0) / max;
			if (x === 0) g.moveTo(px, py); else g.lineTo(px, py);
		});
		g.stroke();
		g.fillStyle = col;
		g.fillText(n, c.width - 110, 16 + 14 * i);
	});
}

function showStats(s) {
	const dash = document.getElementById("dash");
	const dp = s.dataplane;
	const st = document.getElementById("status");
	st.textContent = dp.connected ? "dataplane up" : "dataplane down";
	st.className = "badge " + (dp.connected ? "ok" : "bad");
	setNum("documents", dp.documents);
	document.getElementById("age").textContent = dp.stats_age_s === null ? "-" : dp.stats_age_s.toFixed(1);
	setNum("rx-pps", s.rates.rx_packets_per_s, "pkt/s");
	setNum("rx-bps", s.rates.rx_bits_per_s, "bit/s");
	setNum("tx-pps", s.rates.tx_packets_per_s, "pkt/s");
	setNum("tx-bps", s.rates.tx_bits_per_s, "bit/s");
	setNum("drop-pps", s.rates.dropped_packets_per_s, "pkt/s");
	setNum("dropped-total", s.totals.dropped_packets);
	setNum("active-calls", s.calls.active);
	setNum("terminated-calls", s.calls.terminated);
	setNum("gates-active", s.gates_active);

	const trs = [];
	for (const [name, c] of Object.entries(s.policy_classes)) {
		const tr = document.createElement("tr");
		tr.dataset.class = name;
		cell(tr, name);
		cell(tr, c.packets_per_s, "pkt/s", "pps");
		cell(tr, c.bits_per_s, "bit/s", "bps");
		cell(tr, c.colours.green.packets, undefined, "green");
		cell(tr, c.colours.yellow.packets, undefined, "yellow");
		cell(tr, c.colours.red.packets, undefined, "red");
		cell(tr, c.dropped, undefined, "dropped");
		trs.push(tr);
		if (!history[name]) history[name] = [];
		history[name].push(c.bits_per_s);
		if (history[name].length > HISTORY) history[name].shift();
	}
	rows(document.querySelector("#classes tbody"), trs);
	drawChart();

	const mos = document.getElementById("mos"), bars = [];
	const bands = s.calls.mos_bands;
	const top = Math.max(1, ...Object.values(bands));
	for (const [band, n] of Object.entries(bands)) {
		const d = document.createElement("div");
		d.className = "bar";
		d.dataset.band = band;
		d.dataset.value = String(n);
		d.innerHTML = '<span class="label"></span><span class="fill"></span><span class="n"></span>';
		d.querySelector(".label").textContent = band === "none" ? "no MOS yet" : band;
		d.querySelector(".fill").style.width = (200 * n / top) + "px";
		d.querySelector(".n").textContent = String(n);
		bars.push(d);
	}
	mos.replaceChildren(...bars);

	const drops = [];
	for (const [reason, n] of Object.entries(s.drops).sort((a, b) => b[1] - a[1])) {
		if (!n) continue;
		const tr = document.createElement("tr");
		tr.dataset.reason = reason;
		cell(tr, reason);
		cell(tr, n, undefined, "n");
		drops.push(tr);
	}
	rows(document.querySelector("#drops tbody"), drops);
	dash.dataset.documents = String(dp.documents);
	const live = s.rates.rx_packets_per_s !== null && s.rates.rx_packets_per_s > 0;
	dash.dataset.live = live ? "1" : "0";
}

function showPdp(p) {
	const trs = [];
	for (const s of p.sessions) {
		const tr = document.createElement("tr");
		tr.dataset.clientType = String(s.client_type);
		cell(tr, s.client_type);
		cell(tr, s.pdp, undefined, "pdp");
		cell(tr, s.state, undefined, "state");
		cell(tr, s.opens, undefined, "opens");
		cell(tr, s.failovers, undefined, "failovers");
		cell(tr, s.redirects, undefined, "redirects");
		cell(tr, s.losses, undefined, "losses");
		trs.push(tr);
	}
	rows(document.querySelector("#pdp tbody"), trs);
}

async function poll() {
	try {
		const [s, p] = await Promise.all([fetch("/api/v1/stats", {cache: "no-store"}),
			fetch("/api/v1/pdp", {cache: "no-store"})]);
		if (s.ok) showStats(await s.json());
		if (p.ok) showPdp(await p.json());
	} catch (e) {
		const st = document.getElementById("status");
		st.textContent = "vpep-ctrl unreachable";
		st.className = "badge bad";
	}
	setTimeout(poll, 1000);
}

poll();
