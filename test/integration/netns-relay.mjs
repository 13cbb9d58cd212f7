// Runs inside a network namespace (through nsenter): listens on a unix socket, which any namespace
// can reach, and relays each connection to the TCP address its first line names ("HOST:PORT\n").
// The TLS engine test (tls-engine.ts) reaches its private engine and its published ports this way.
import { createServer, connect } from "node:net";
import { rmSync } from "node:fs";

const path = process.argv[2];
rmSync(path, { force: true });
createServer((client) => {
  let head = Buffer.alloc(0);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const nl = head.indexOf(10);
    if (nl < 0) return;
    client.off("data", onData);
    client.pause();
    const [host, port] = head.subarray(0, nl).toString().split(":");
    const upstream = connect({ host, port: Number(port) }, () => {
      upstream.write(head.subarray(nl + 1));
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  };
  client.on("data", onData);
}).listen(path, () => process.stdout.write("ready\n"));
