// The soak's report: numbers from the workers' records and the monitor, as text and JSON. Pure.

/** A failure's cause class: its error code and its message with names, ids and numbers taken out. */
export function causeOf(error) {
  const message = String(error?.message ?? "").split("\n")[0]
    .replace(/soak-[a-z0-9]+-w\d+-\d+(-[a-z0-9_-]+)?/g, "<project>")
    .replace(/\b[0-9a-f]{12,64}\b/g, "<id>")
    .replace(/\d+(\.\d+)?/g, "N")
    .slice(0, 140);
  return `${error?.code ?? "UNKNOWN"}: ${message}`;
}

const mib = (kb) => +(kb / 1024).toFixed(1);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : 0; };

export function summarize(o) {
  const ops = o.records.filter((r) => r.type === "op");
  const byOp = {};
  for (const r of ops) {
    const k = `${r.op}${r.stack ? ` ${r.stack}` : ""}`;
    const e = (byOp[k] ??= { count: 0, ok: 0, killed: 0, failed: 0, ms: [] });
    e.count++;
    if (r.killed && r.ok) e.killed++;
    else if (r.ok) e.ok++;
    else e.failed++;
    if (r.ok && !r.killed) e.ms.push(r.ms);
  }
  const causes = {};
  for (const r of ops.filter((x) => !x.ok)) {
    const c = causeOf(r.error);
    (causes[c] ??= { count: 0, ops: {}, at: [] }).count++;
    causes[c].ops[r.op] = (causes[c].ops[r.op] ?? 0) + 1;
    // When each ended (ISO time): to tell failures from the engine's crashes and restarts (engine.*).
    if (r.at) causes[c].at.push(r.at);
  }
  const kills = o.records.filter((r) => r.type === "kill-check");
  const killLeft = kills.filter((k) => k.leftover.length);
  const failureLeft = o.records.filter((r) => r.type === "failure-leftover");
  const cycles = ops.filter((r) => ["up", "run", "api"].includes(r.op)).length;
  const staleNets = o.stale.filter((s) => s.activeEndpoints && s.containers === 0);
  const leaks = {
    containers: o.left.containers.map((c) => `${c.Names[0]?.slice(1)} (${c.State})`),
    networks: o.left.networks.map((n) => n.Name),
    volumes: o.left.volumes.map((v) => v.Name),
    files: o.files,
  };
  const staleNames = new Set(staleNets.map((s) => s.name));
  // A project whose network the engine will not remove (stale) keeps its record on purpose: the
  // record is what lets `berth down`/`clean` finish that project once the engine lets go (after a
  // dockerd restart). Such a record is part of the engine's fault, not a leak of berth's.
  const staleProjects = new Set(o.left.networks.filter((n) => staleNames.has(n.Name)).map((n) => n.Labels?.["dev.berth.project"]).filter(Boolean));
  const keptRecords = o.left.volumes.filter((v) => v.Labels?.["dev.berth.record"] === "true" && staleProjects.has(v.Labels?.["dev.berth.project"]));
  leaks.recordsOfStaleNetworks = keptRecords.map((v) => v.Name);
  const berthLeaks = leaks.containers.length + leaks.networks.filter((n) => !staleNames.has(n)).length + leaks.volumes.length - keptRecords.length
    + Object.entries(o.files).filter(([k]) => k !== "log" && k !== "admission key counter").reduce((s, [, v]) => s + v.length, 0);
  const m = o.mon;
  // Operations that wait for readiness (acquisitions, scale changes, restarts): berth's probe execs per such wait.
  const waits = ops.filter((r) => ["up", "run", "api", "scale", "restart"].includes(r.op)).length;
  m.exec.probePerReadinessOp = waits ? +(m.exec.probe / waits).toFixed(1) : 0;
  const json = {
    runId: o.runId, startedAt: o.startedAt.toISOString(), minutes: o.minutes, workers: o.workers, interrupted: o.interrupted, machine: o.machine,
    cycles, operations: Object.fromEntries(Object.entries(byOp).map(([k, v]) => [k, { ...v, ms: undefined, medianMs: median(v.ms) }])),
    failures: { total: ops.filter((r) => !r.ok).length, byCause: causes },
    kills: { total: kills.length, leftAfterGrace: killLeft.map((k) => ({ project: k.project, signal: k.signal, via: k.via, leftover: k.leftover })) },
    failuresThatLeftResources: failureLeft,
    leaks: { ...leaks, attributableToBerth: berthLeaks, afterForcedCleanup: { containers: o.afterForce.containers.length, networks: o.afterForce.networks.map((n) => n.Name), volumes: o.afterForce.volumes.length } },
    staleNetworks: o.stale,
    engine: m.engine,
    exec: m.exec,
    containerEvents: m.events,
    rss: m.rss,
    workerExits: o.workerExits.filter((w) => w.code !== 0),
  };
  const pct = (a, b) => (b ? `${((a / b) * 100).toFixed(1)}%` : "–");
  const lines = [
    `berth soak ${o.runId}: ${o.workers} workers, ${(m.seconds / 60).toFixed(1)} min${o.interrupted ? " (interrupted)" : ""}; ${o.machine.cpus} × ${o.machine.cpu}, ${o.machine.memGiB} GiB, Node ${o.machine.node}`,
    `cycles (up/run/api acquisitions): ${cycles}; operations ${ops.length}, failed ${json.failures.total} (${pct(json.failures.total, ops.length)})`,
    ...Object.entries(byOp).sort().map(([k, v]) => `  ${k.padEnd(26)} ${String(v.count).padStart(5)}  ok ${v.ok}, killed ${v.killed}, failed ${v.failed}; median ${(median(v.ms) / 1000).toFixed(2)} s`),
    `failures by cause:${Object.keys(causes).length ? "" : " none"}`,
    ...Object.entries(causes).sort((a, b) => b[1].count - a[1].count).map(([c, v]) => `  ${String(v.count).padStart(4)}  ${c}  [${Object.entries(v.ops).map(([k, n]) => `${k} ${n}`).join(", ")}]`),
    `kills mid-operation: ${kills.length}; environment still there ${20} s later: ${killLeft.length}${killLeft.length ? ` (${killLeft.slice(0, 5).map((k) => `${k.via}/${k.signal}`).join(", ")})` : ""}`,
    `failed acquisitions that left resources behind: ${failureLeft.length}`,
    `leaks after berth's own clean-up: ${leaks.containers.length} containers, ${leaks.networks.length} networks, ${leaks.volumes.length} volumes; berth files: ${Object.entries(o.files).map(([k, v]) => `${v.length} ${k}`).join(", ") || "none"}; attributable to berth: ${berthLeaks}`,
    `stale networks (moby#43286, "has active endpoints" with no container): ${staleNets.length}${staleNets.length ? ` — ${staleNets.map((s) => s.name).join(", ")}` : ""}`,
    `engine: dockerd pid ${m.engine.startPid} → ${m.engine.endPid}; restarts ${m.engine.restarts.length}, crashes ${m.engine.crashes.length}, /_ping failures ${m.engine.pingFailures} (longest outage ${(m.engine.longestOutageMs / 1000).toFixed(1)} s); event stream breaks ${m.events.streamBreaks}`,
    `engine log (${m.engine.log.path ?? "not found"}): panics ${m.engine.log.panics ?? "?"}, healthcheck "context deadline exceeded" ${m.engine.log.healthcheckDeadlineExceeded ?? "?"}, "has active endpoints" ${m.engine.log.activeEndpoints ?? "?"}`,
    `exec calls (exec_create + exec_start events): ${m.exec.perSecondAll.toFixed(1)}/s on the engine (peak ${m.exec.peakPerSecond}/s); this run's containers ${m.exec.perSecondSoak.toFixed(1)}/s, of which berth's readiness watch execs ${m.exec.perSecondProbe.toFixed(2)}/s (${pct(m.exec.probe, m.exec.soak)}; ${m.exec.probePerReadinessOp} per acquisition, scale or restart) and the engine's own healthchecks and other execs ${((m.exec.soak - m.exec.probe) / m.seconds).toFixed(1)}/s`,
    `berth RSS: peak VmHWM by kind (MiB) ${Object.entries(m.rss.peakHwmMiBByKind).map(([k, v]) => `${k} ${v}`).join(", ")}; per ${30} s: max processes / total RSS MiB / largest RSS MiB:`,
    `  ${m.rss.series.map((r) => `${Math.round(r.t / 60)}m ${r.berthProcs}/${mib(r.rssTotalKb)}/${mib(r.rssMaxKb)}`).filter((_, i) => i % 2 === 0).join("  ")}`,
  ];
  return { json, text: lines.join("\n") };
}
