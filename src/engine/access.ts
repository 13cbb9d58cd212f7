/**
 * What the modules behind Engine share: the dockerode client and where the engine is. `call`
 * runs one Engine API call and turns whatever it throws into a BerthError naming the action.
 */
import type Docker from "dockerode";
import { toBerthError } from "./errors.js";

export interface EngineAccess {
  readonly docker: Docker;
  /** Where the engine is, for error messages. */
  readonly endpoint: string;
}

export async function call<T>(access: EngineAccess, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toBerthError(error, action, access.endpoint);
  }
}
