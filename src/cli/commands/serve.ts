import type { Command } from "commander";
import { parseDuration } from "../context.js";
import type { CliContext, GlobalOptions } from "../context.js";

interface ServeCliOptions {
  host?: string;
  port?: string;
  token?: string;
  history?: string;
}

export function registerServe(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("serve")
    .description("serve a read-only status page, health endpoints and Prometheus metrics over HTTP (127.0.0.1 by default)")
    .option("--host <address>", "address to bind; anything but loopback requires --token", "127.0.0.1")
    .option("--port <port>", "TCP port (0: any free one, printed at start)", "9477")
    .option("--token <secret>", "require this token on every request (Authorization: Bearer, or ?token= once in a browser); also BERTH_SERVE_TOKEN")
    .option("--history <duration>", "engine event history replayed at start for the duration metrics", "1h")
    .addHelpText(
      "after",
      [
        "",
        "Endpoints: / (live dashboard), /health, /health/detailed, /health/readiness[?project=NAME],",
        "/health/liveness, /metrics, /api/state, /api/events (SSE), /api/timings, /api/health/PROJECT,",
        "/api/logs/PROJECT/SERVICE?tail=N",
        "",
        "Examples:",
        "  berth serve",
        "  berth serve --port 0 --json",
        "  BERTH_SERVE_TOKEN=$(openssl rand -hex 24) berth serve --host 0.0.0.0",
        "See docs/server.md for every endpoint and metric.",
      ].join("\n"),
    )
    .action(async (o: ServeCliOptions) => {
      const g = globals();
      const options = {
        host: o.host,
        port: o.port === undefined ? undefined : Number(o.port),
        token: o.token ?? ctx.env.BERTH_SERVE_TOKEN,
        historyMs: parseDuration(o.history, 3_600_000, "--history"),
      };
      // A refused bind is reported before the HTTP server, prom-client and the engine client load.
      (await import("../../server/options.js")).validateServeOptions(options);
      const { startStatusServer } = await import("../../server/index.js");
      const server = await startStatusServer({ ...options, env: ctx.env, inheritEnv: false, signal: ctx.signal });
      if (g.json) ctx.out(JSON.stringify({ type: "listening", url: server.url, port: server.port, engine: server.engineEndpoint }));
      else if (!g.quiet) ctx.out(`berth serve: listening on ${server.url} (engine ${server.engineEndpoint}; Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await server.close();
      if (g.json) ctx.out(JSON.stringify({ type: "stopped" }));
    });
}
