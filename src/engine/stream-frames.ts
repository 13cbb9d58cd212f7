/**
 * Decoder for the engine's multiplexed stdout/stderr framing (8-byte header: stream type, 3 zero
 * bytes, big-endian length). Written by hand because it must work incrementally on chunks that
 * split frames anywhere, which the client's buffer-only helpers do not.
 */
export type FrameStream = "stdout" | "stderr";

export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: FrameStream, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = this.pending[0] === 2 ? "stderr" : "stdout";
      this.onFrame(kind, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}

/** Decodes a whole multiplexed buffer into text (stdout and stderr interleaved as sent). */
export function demuxToText(buffer: Buffer): string {
  const parts: Buffer[] = [];
  new FrameDecoder((_s, data) => parts.push(data)).push(buffer);
  return Buffer.concat(parts).toString("utf8");
}
