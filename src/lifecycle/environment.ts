/**
 * An acquired environment: what a caller needs to reach its services, and the handle that
 * releases it.
 */
import type { Engine } from "../engine/engine.js";
import { BerthError } from "../errors.js";
import type { EnvironmentKind } from "../labels.js";
import { hostAddress, type PublishedPort } from "../ports/bindings.js";
import type { ServiceState } from "../health/state.js";
import { releaseProject, type ReleaseOptions, type ReleaseResult } from "./release.js";

export interface ContainerView {
  id: string;
  name: string;
  number: number;
  state: ServiceState;
  ports: PublishedPort[];
}

export interface ServiceView {
  name: string;
  containers: ContainerView[];
}

export interface EnvironmentData {
  project: string;
  kind: EnvironmentKind;
  networks: string[];
  services: Record<string, ServiceView>;
}

export class Environment implements AsyncDisposable {
  readonly project: string;
  readonly kind: EnvironmentKind;
  readonly networks: string[];
  readonly services: Record<string, ServiceView>;
  private released = false;

  constructor(
    data: EnvironmentData,
    private readonly engine: Engine,
  ) {
    this.project = data.project;
    this.kind = data.kind;
    this.networks = data.networks;
    this.services = data.services;
  }

  private port(service: string, containerPort: number, replica = 1): PublishedPort {
    const s = this.services[service];
    if (!s) {
      throw new BerthError("NOT_FOUND", `environment ${this.project} has no service "${service}"`, {
        hint: `Services: ${Object.keys(this.services).sort().join(", ")}.`,
      });
    }
    const c = s.containers.find((x) => x.number === replica) ?? s.containers[0];
    const p = c?.ports.find((x) => x.containerPort === containerPort);
    if (!p) {
      throw new BerthError("NOT_FOUND", `service ${service} publishes no port ${containerPort}`, {
        hint: `Published: ${c?.ports.map((x) => x.containerPort).join(", ") || "none"}; add "${containerPort}" to its ports: in the compose file.`,
      });
    }
    return p;
  }

  /** The host port the engine assigned to `service`'s container port. */
  hostPort(service: string, containerPort: number, replica = 1): number {
    return this.port(service, containerPort, replica).hostPort;
  }

  /** `host:port` to connect to from this machine. */
  address(service: string, containerPort: number, replica = 1): string {
    return hostAddress(this.port(service, containerPort, replica));
  }

  url(service: string, containerPort: number, scheme = "http", replica = 1): string {
    return `${scheme}://${this.address(service, containerPort, replica)}`;
  }

  toJSON(): EnvironmentData {
    return { project: this.project, kind: this.kind, networks: this.networks, services: this.services };
  }

  async release(options: ReleaseOptions = {}): Promise<ReleaseResult> {
    this.released = true;
    return releaseProject(this.engine, this.project, options);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.released) await this.release();
  }
}
