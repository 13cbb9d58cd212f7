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
      hint:
        "Add berth's global setup to the test runner's config (see berth/vitest or berth/jest), or run the tests under `berth run`. " +
        "With a pool (`pool` in the global setup's options), each test file claims its own: useBerthPoolEnvironment in a setup file.",
    });
  }
  return {
    ...data,
    hostPort: (s, p, r) => findPort(data, s, p, r).hostPort,
    address: (s, p, r) => hostAddress(findPort(data, s, p, r)),
    url: (s, p, scheme = "http", r) => `${scheme}://${hostAddress(findPort(data, s, p, r))}`,
  };
}

/**
 * The environment this test sees through process.env (BERTH_ENVIRONMENT, JSON): the one the Jest
 * global setup acquired, or the one `useBerthPoolEnvironment` claimed for this test file.
 */
export function berthEnvironment(env: Record<string, string | undefined> = process.env): EnvironmentView {
  const text = env.BERTH_ENVIRONMENT;
  return environmentView(text ? (JSON.parse(text) as ProvidedEnvironment) : undefined);
}
