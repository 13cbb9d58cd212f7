/**
 * How many members the guards let a pool have: the container cap (counting the engine's other
 * berth containers) and the host memory left above the guard's floor, each divided by what one
 * member needs. Members already up count as the pool's own.
 */
export interface SizingInput {
  /** Containers one member runs. */
  containersPerMember: number;
  /** The container cap (0: none). */
  maxContainers: number;
  /** berth containers on the engine that are not this pool's. */
  otherContainers: number;
  /** Memory one member declares (limits), bytes; 0: undeclared, memory does not limit. */
  memoryPerMember: number;
  /** Host memory available now, bytes (undefined: unknown, does not limit). */
  availableMemory?: number;
  /** Memory that must stay free (the guard's floor), bytes. */
  minFreeMemory: number;
  /** This pool's members now. */
  members: number;
}

export function poolLimit(i: SizingInput): number {
  let limit = Number.POSITIVE_INFINITY;
  if (i.maxContainers > 0) limit = Math.floor(Math.max(0, i.maxContainers - i.otherContainers) / Math.max(1, i.containersPerMember));
  if (i.memoryPerMember > 0 && i.availableMemory !== undefined) {
    // Members already running hold their memory: what is available now is for new ones.
    const more = Math.floor(Math.max(0, i.availableMemory - i.minFreeMemory) / i.memoryPerMember);
    limit = Math.min(limit, i.members + more);
  }
  return limit;
}
