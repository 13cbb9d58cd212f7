/**
 * The dashboard's script (plain browser JavaScript, no build step, no CDN). It follows
 * /api/events and redraws on each state; every value reaches the page through textContent or an
 * SVG attribute, never as markup, so nothing the engine reports can inject HTML. Open log and
 * health panels survive redraws (they are kept per environment and re-attached).
 */
export const PAGE_SCRIPT = String.raw`
"use strict";
const SVG = "http://www.w3.org/2000/svg";
const main = document.getElementById("envs");
const banner = document.getElementById("banner");
const conn = document.getElementById("conn");
const engineEl = document.getElementById("engine");
const filter = document.getElementById("filter");
const poolsEl = document.getElementById("pools");
// ?filter=text preselects; the box narrows the list as one types.
filter.value = new URLSearchParams(location.search).get("filter") || "";
filter.addEventListener("input", () => render());
let last = null;
/** "project logs" / "project health" -> { project, kind, service?, el }: one log tail and one report per environment. */
const panels = new Map();

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}
function ago(iso) {
  if (!iso) return "";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
}
function since(iso) {
  return el("span", { class: "since", "data-since": iso || "" }, iso ? "since " + ago(iso) + " ago" : "");
}
function path(project, service) {
  return encodeURIComponent(project) + (service ? "/" + encodeURIComponent(service) : "");
}

function graph(env) {
  const g = env.graph;
  const box = el("div", { class: "graph", role: "img", "aria-label": "dependency graph of " + env.project });
  if (!g.nodes.length) return box;
  // Natural size up to the card's width (CSS max-width), scaled down on narrow screens.
  const s = svg("svg", { viewBox: "0 0 " + g.width + " " + g.height, width: g.width, height: g.height });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow-" + env.project, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z" }));
  defs.append(marker);
  s.append(defs);
  const at = new Map(g.nodes.map((n) => [n.service, n]));
  const stateOf = new Map(env.services.map((x) => [x.name, x.state]));
  for (const e of g.edges) {
    const a = at.get(e.from), b = at.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + g.nodeWidth / 2, y1 = a.y, x2 = b.x + g.nodeWidth / 2, y2 = b.y + g.nodeHeight;
    const my = (y1 + y2) / 2;
    s.append(svg("path", { d: "M" + x1 + "," + y1 + " C" + x1 + "," + my + " " + x2 + "," + my + " " + x2 + "," + (y2 + 2), "marker-end": "url(#arrow-" + env.project + ")" }));
  }
  for (const n of g.nodes) {
    const st = stateOf.get(n.service) || "";
    const grp = svg("g", { class: "node s-" + st, "data-service": n.service });
    grp.append(svg("rect", { x: n.x, y: n.y, width: g.nodeWidth, height: g.nodeHeight, rx: 6, stroke: "currentColor" }));
    const name = svg("text", { x: n.x + 8, y: n.y + 16 });
    name.textContent = n.service.length > 18 ? n.service.slice(0, 17) + "…" : n.service;
    const state = svg("text", { x: n.x + 8, y: n.y + 31, class: "st", fill: "currentColor" });
    state.textContent = st;
    grp.append(name, state);
    s.append(grp);
  }
  box.append(s);
  return box;
}

async function fetchJson(url) {
  const r = await fetch(url, { headers: { accept: "application/json" } });
  const body = await r.json().catch(() => ({ ok: false, reason: "HTTP " + r.status }));
  if (!r.ok || body.ok === false) throw new Error(body.reason || "HTTP " + r.status);
  return body;
}

function logsPanel(project, service) {
  const pre = el("pre", { class: "logs", "aria-live": "polite" }, "loading…");
  const load = async () => {
    try {
      const body = await fetchJson("/api/logs/" + path(project, service) + "?tail=100");
      pre.textContent = body.lines.length ? body.lines.map((l) => (l.time ? l.time.slice(11, 23) + " " : "") + l.text).join("\n") : "(no output)";
      pre.scrollTop = pre.scrollHeight;
    } catch (e) { pre.textContent = "could not read the logs: " + e.message; }
  };
  const panel = el("div", { class: "panel", "data-panel": "logs" },
    el("h3", {}, "logs of " + service + " (last 100 lines)", el("button", { onclick: load }, "refresh")), pre);
  panel.reload = load;
  load();
  return panel;
}

function healthPanel(project) {
  const body = el("div", {}, "loading…");
  const load = async () => {
    try {
      const r = await fetchJson("/api/health/" + path(project));
      const rows = r.containers.map((c) => el("tr", {},
        el("td", {}, c.container), el("td", { class: "s-" + c.state }, c.state), el("td", { class: "wide" }, c.health),
        el("td", { class: "wide" }, String(c.exitCode)), el("td", {}, String(c.restartCount)), el("td", { class: "wide" }, c.oomKilled ? "yes" : "no"),
        el("td", { class: "out" }, c.lastCheck ? "exit " + c.lastCheck.exitCode + ": " + (c.lastCheck.output || "(no output)") : "—")));
      body.replaceChildren(
        el("p", { class: r.healthy ? "s-HEALTHY" : "s-UNHEALTHY" }, r.healthy ? "healthy" : "not healthy", el("span", { class: "muted" }, " — checked " + new Date(r.at).toLocaleTimeString())),
        el("div", { class: "scroll" }, el("table", { class: "report" }, el("thead", {}, el("tr", {}, ...["container", "state", "engine health", "exit", "restarts", "OOM", "last check"].map((h, i) => el("th", { class: i === 2 || i === 3 || i === 5 ? "wide" : "" }, h)))), el("tbody", {}, ...rows))));
    } catch (e) { body.textContent = "could not read the health report: " + e.message; }
  };
  const panel = el("div", { class: "panel", "data-panel": "health" }, el("h3", {}, "health report", el("button", { onclick: load }, "refresh")), body);
  panel.reload = load;
  load();
  return panel;
}

function toggle(project, kind, service) {
  const key = project + " " + kind;
  const open = panels.get(key);
  if (open && open.service === service) panels.delete(key);
  else panels.set(key, { project, kind, service, el: kind === "logs" ? logsPanel(project, service) : healthPanel(project) });
  render();
}

function serviceRow(env, s) {
  const open = panels.get(env.project + " logs");
  const ports = s.containers.flatMap((c) => c.ports.map((p) => p.address + " → " + p.containerPort + (p.protocol === "tcp" ? "" : "/" + p.protocol)));
  const first = s.containers[0] || {};
  const logsOpen = !!open && open.service === s.name;
  return el("li", { class: "service", "data-service": s.name, "data-state": s.state },
    el("span", { class: "name" }, s.name + (s.containers.length > 1 ? " ×" + s.containers.length : "")),
    el("span", { class: "pill state s-" + s.state }, s.state),
    since(first.since),
    el("span", { class: "ports" }, ports.join(", ")),
    el("span", { class: "actions" }, el("button", { "aria-pressed": String(logsOpen), onclick: () => toggle(env.project, "logs", s.name) }, "logs")));
}

function envCard(env) {
  const logs = panels.get(env.project + " logs");
  const health = panels.get(env.project + " health");
  const card = el("section", { class: "env", "data-project": env.project, "data-state": env.state },
    el("h2", {}, env.project, " ", el("span", { class: "pill s-" + env.state }, env.state)),
    el("div", { class: "meta" },
      el("span", {}, env.kind + ", " + env.lifetime),
      env.createdAt ? el("span", {}, "created " + ago(env.createdAt) + " ago") : null,
      env.owner ? el("span", {}, "owner pid " + env.owner.pid + (env.owner.user ? " (" + env.owner.user + ")" : "")) : null,
      env.networks.length ? el("span", {}, "networks: " + env.networks.join(", ")) : null),
    graph(env),
    el("ul", { class: "services" }, ...env.services.flatMap((s) => {
      const row = serviceRow(env, s);
      // An open log panel sits right under its service, where the finger that opened it is.
      return logs && logs.service === s.name ? [row, el("li", { class: "panel-row" }, logs.el)] : [row];
    })),
    el("button", { "aria-pressed": String(!!health), onclick: () => toggle(env.project, "health") }, "health report"));
  if (health) card.append(health.el);
  return card;
}

/** Warm pools: members by state from their labels; the keeper's figures ("–" without its marker). */
function renderPools(pools) {
  poolsEl.hidden = !pools.length;
  if (!pools.length) return poolsEl.replaceChildren();
  const n = (v) => (v === undefined ? "–" : v === null ? "∞" : String(v));
  const head = ["pool", "size", "warm", "claimed", "starting", "resetting", "resets", "discarded", "claims", "claim (median)"];
  const rows = pools.map((p) => el("tr", {}, ...[p.name, n(p.size), p.warm, p.claimed, p.starting, p.resetting, n(p.resets), n(p.discarded), n(p.claims),
    p.claimLatencyMs === undefined ? "–" : p.claimLatencyMs + " ms"].map((v) => el("td", {}, v))));
  poolsEl.replaceChildren(el("h2", {}, "Pools"), el("table", { class: "pools" }, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))), el("tbody", {}, ...rows)));
}

function render() {
  if (!last) return;
  renderPools(last.pools || []);
  const e = last.engine;
  engineEl.textContent = e.up ? "engine " + e.version + " (API " + e.apiVersion + ")" : "engine unreachable";
  engineEl.className = "pill " + (e.up ? "s-HEALTHY" : "s-UNHEALTHY");
  banner.hidden = e.up;
  banner.textContent = e.up ? "" : "The Docker engine at " + e.endpoint + " is unreachable: " + e.reason + ". " + (e.hint ? e.hint + " " : "") + "Showing the last known state; this page recovers by itself.";
  document.body.classList.toggle("stale", !last.current);
  for (const [key, p] of [...panels]) if (!last.environments.some((x) => x.project === p.project)) panels.delete(key);
  const wanted = filter.value.trim().toLowerCase();
  const shown = last.environments.filter((x) => !wanted || x.project.toLowerCase().includes(wanted));
  const cards = shown.map(envCard);
  if (!cards.length) {
    const why = last.environments.length ? "No environment matches the filter." : e.up ? "No berth environments on this engine. Start one with berth up." : "No state known yet.";
    cards.push(el("p", { class: "empty-state" }, why));
  }
  main.replaceChildren(...cards);
}

function apply(state) {
  const before = last;
  last = state;
  render();
  // A service whose state changed gets its open log panel re-read.
  for (const p of panels.values()) {
    if (p.kind !== "logs" || !before) continue;
    const find = (st) => ((st.environments.find((x) => x.project === p.project) || { services: [] }).services.find((x) => x.name === p.service) || {}).state;
    if (find(before) !== find(state)) p.el.reload();
  }
}

function connect() {
  const es = new EventSource("/api/events");
  es.addEventListener("state", (ev) => { apply(JSON.parse(ev.data)); });
  es.onopen = () => { conn.textContent = "live"; conn.className = "pill s-HEALTHY"; };
  es.onerror = () => { conn.textContent = "reconnecting…"; conn.className = "pill s-STARTING"; };
}

setInterval(() => {
  for (const s of document.querySelectorAll("[data-since]")) {
    const iso = s.getAttribute("data-since");
    if (iso) s.textContent = "since " + ago(iso) + " ago";
  }
}, 1000);
connect();
`;
