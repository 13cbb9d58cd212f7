/**
 * What a test sees of an environment acquired in a global setup: plain data (it crosses from the
 * setup process to test workers as JSON) plus the lookups a test needs. Pure.
 */
import { BerthError } from "../errors.js";
import { findPort } from "../lifecycle/connection-env.js";
import type { EnvironmentData } from "../lifecycle/environment.js";
import { hostAddress } from "../ports/bindings.js";

/** The serializable form handed to tests (Vitest's `inject("berth")`, Jest's BERTH_ENVIRONMENT). */
export interface ProvidedEnvironment extends EnvironmentData {
  /** The connection variables, as `berth run` injects them. */
  variables: Record<string, string>;
}

export interface EnvironmentView extends ProvidedEnvironment {
  hostPort(service: string, containerPort: number, replica?: number): number;
  address(service: string, containerPort: number, replica?: number): string;
  url(service: string, containerPort: number, scheme?: string, replica?: number): string;
}

export function environmentView(data: ProvidedEnvironment | undefined): EnvironmentView {
  if (!data?.project) {
    throw new BerthError("USAGE", "no berth environment was provided to this test", {
      hint: "Add berth's global setup to the test runner's config (see berth/vitest or berth/jest), or run the tests under `berth run`.",
    });
  }
  return {
    ...data,
    hostPort: (s, p, r) => findPort(data, s, p, r).hostPort,
    address: (s, p, r) => hostAddress(findPort(data, s, p, r)),
    url: (s, p, scheme = "http", r) => `${scheme}://${hostAddress(findPort(data, s, p, r))}`,
  };
}
