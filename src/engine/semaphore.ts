/**
 * A counting semaphore. dockerd slows down badly when hundreds of container operations arrive at
 * once (many environments acquired in one process), so the Engine admits a bounded number of
 * mutating calls at a time and queues the rest in order.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
