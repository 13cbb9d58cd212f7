/** The environment's containers as `berth validate` needs them: dependencies, ports, networks. */
import type { Engine } from "../../engine/engine.js";
import { containerDiagnostics } from "../../engine/diagnostics-queries.js";
import { LABEL, managedFilter } from "../../labels.js";
import { readBack, type PublishedPort } from "../../ports/bindings.js";

export interface ServiceContainerInfo {
  id: string;
  name: string;
  service: string;
  running: boolean;
  status: string;
  exitCode: number;
  job: boolean;
  dependsOn: string[];
  /** Container ports declared for TCP (the file's expose/ports, the image's EXPOSE). */
  tcpPorts: number[];
  networks: string[];
  /** Shares the host's or another container's network stack (network_mode host / service: / container:): its own endpoints say nothing. */
  sharedStack: boolean;
  published: PublishedPort[];
}

export async function readTargets(engine: Engine, project: string, signal?: AbortSignal): Promise<ServiceContainerInfo[]> {
  const list = await engine.listContainers(managedFilter(project), { signal });
  const out = await Promise.all(
    list.map(async (c): Promise<ServiceContainerInfo | null> => {
      const [d, extra] = await Promise.all([
        engine.inspectContainer(c.id, { signal }).catch(() => null),
        containerDiagnostics(engine, c.id, { signal }).catch(() => null),
      ]);
      if (!d || !extra) return null; // removed meanwhile
      return {
        id: c.id,
        name: d.name,
        service: c.labels[LABEL.service] ?? "?",
        running: d.state.running,
        status: d.state.status,
        exitCode: d.state.exitCode,
        job: c.labels[LABEL.job] === "true",
        dependsOn: (c.labels[LABEL.dependsOn] ?? "").split(",").filter(Boolean).sort(),
        tcpPorts: extra.exposedPorts.filter((p) => p.endsWith("/tcp")).map((p) => Number(p.split("/")[0])),
        networks: Object.keys(extra.endpoints).sort(),
        sharedStack: extra.networkMode === "host" || extra.networkMode.startsWith("container:") || extra.networkMode.startsWith("service:"),
        published: readBack(d.ports),
      };
    }),
  );
  return out.filter((c) => c !== null).sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}
