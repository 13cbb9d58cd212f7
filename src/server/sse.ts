/**
 * Server-sent events to the dashboard: every client gets the full state when it connects and
 * whenever it changes. A client that stops reading is dropped once a bounded amount is queued for
 * it, so one stuck browser tab cannot make the server buffer without end. Streams are bounded per
 * client address and overall (a browser opens at most six connections per host anyway).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly perAddress = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly maxClients = 64,
    private readonly maxPerAddress = 16,
  ) {
    // A comment line now and then keeps proxies from closing an idle stream and reveals dead peers.
    this.heartbeat = setInterval(() => this.writeAll(": keep-alive\n\n"), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts an event stream on `res`; why not when the server already serves its maximum (overall or to this address). */
  add(req: IncomingMessage, res: ServerResponse, first: { event: string; data: unknown }): { ok: true } | { ok: false; reason: string } {
    const address = req.socket.remoteAddress ?? "?";
    if (this.clients.size >= this.maxClients)
      return { ok: false, reason: `this server already serves ${this.maxClients} event streams; close other dashboard tabs` };
    if ((this.perAddress.get(address) ?? 0) >= this.maxPerAddress)
      return { ok: false, reason: `${address} already has ${this.maxPerAddress} event streams open; close other dashboard tabs` };
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
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    let counted = true;
    const drop = () => {
      this.clients.delete(res);
      if (!counted) return;
      counted = false;
      const n = (this.perAddress.get(address) ?? 1) - 1;
      if (n > 0) this.perAddress.set(address, n);
      else this.perAddress.delete(address);
    };
    req.on("close", drop);
    res.on("close", drop);
    return { ok: true };
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
