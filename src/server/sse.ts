/**
 * Server-sent events to the dashboard: every client gets the full state when it connects and
 * whenever it changes. A client that stops reading is dropped once a bounded amount is queued for
 * it, so one stuck browser tab cannot make the server buffer without end.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly maxClients = 64) {
    // A comment line now and then keeps proxies from closing an idle stream and reveals dead peers.
    this.heartbeat = setInterval(() => this.writeAll(": keep-alive\n\n"), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts an event stream on `res`; false when the server already serves its maximum. */
  add(req: IncomingMessage, res: ServerResponse, first: { event: string; data: unknown }): boolean {
    if (this.clients.size >= this.maxClients) return false;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-content-type-options": "nosniff",
    });
    // The browser reconnects after this long when the stream breaks (e.g. the server restarts).
    res.write("retry: 1000\n\n");
    res.write(frame(first.event, first.data));
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on("close", drop);
    res.on("close", drop);
    return true;
  }

  broadcast(event: string, data: unknown): void {
    this.writeAll(frame(event, data));
  }

  private writeAll(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_QUEUED_BYTES) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function frame(event: string, data: unknown): string {
  // JSON has no raw newlines, so one data: line carries it.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
