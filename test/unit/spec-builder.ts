/** Small builders for model objects in pure tests. */
import type { DependencySpec, ProjectSpec, ServiceSpec } from "../../src/compose/model.js";

export function service(name: string, over: Partial<ServiceSpec> = {}): ServiceSpec {
  return { name, image: `img/${name}`, environment: {}, ports: [], depends_on: {}, volumes: [], labels: {}, networks: {}, scale: 1, extensions: {}, ...over };
}

export function dep(condition: DependencySpec["condition"] = "service_healthy"): DependencySpec {
  return { condition, required: true, restart: false };
}

export function project(services: ServiceSpec[], over: Partial<ProjectSpec> = {}): ProjectSpec {
  return {
    working_dir: "/tmp/p",
    files: ["/tmp/p/compose.yml"],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    networks: {},
    volumes: {},
    extensions: {},
    ...over,
  };
}
