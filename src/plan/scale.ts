/** `--scale SERVICE=N` over the file's replica counts, on one engine or on a swarm alike. Pure. */
import type { ServiceSpec } from "../compose/model.js";
import { BerthError } from "../errors.js";

/** The services with the counts given; naming a service the project does not have is a usage error. */
export function scaleServices(services: ServiceSpec[], scale: Record<string, number> | undefined): ServiceSpec[] {
  for (const name of Object.keys(scale ?? {})) {
    if (!services.some((s) => s.name === name)) {
      throw new BerthError("USAGE", `cannot scale "${name}": the project has no such service`, {
        hint: `Services: ${services.map((s) => s.name).join(", ")}.`,
      });
    }
  }
  return services.map((s) => (scale?.[s.name] !== undefined ? { ...s, scale: scale[s.name]! } : s));
}
