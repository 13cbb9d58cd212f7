/** `berth pool`: keeps a warm pool of a compose file's environments until interrupted (docs/pools.md). */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "../context.js";

interface PoolCliOptions {
  size: string;
  name?: string;
  snapshot?: string;
}

export function registerPool(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("pool")
    .description("keep N unclaimed environments of the compose file up, healthy and snapshotted, for claimFromPool(NAME) in other processes, until interrupted")
    .option("--size <n>", "unclaimed environments the pool keeps warm (it starts more for claims held longer than a reset takes)", "2")
    .option("--name <name>", "the pool's name (default: derived from the files and directory)")
    .option("--snapshot <name>", "the snapshot each environment is reset to when handed back", "pool")
    .addHelpText(
      "after",
      "\nEnvironments handed back are reset and kept; 30 s after the last claim the pool shrinks back to --size unclaimed.\n" +
        "The pool goes with this process (Ctrl-C, or even SIGKILL: the reaper removes it).\n" +
        '\nExamples:\n  berth pool -f examples/shop/compose.yml -f examples/shop/compose.snapshot.yml --size 2 --name shop\n  # in a test: const env = await claimFromPool("shop"); … await env.release();',
    )
    .action(async (o: PoolCliOptions) => {
      const g = globals();
      const size = Number(o.size);
      if (!Number.isInteger(size) || size < 1) throw new BerthError("USAGE", `--size ${o.size} is not a whole number of at least 1`);
      const { createPool } = await import("../../pool/pool.js");
      const pool = await createPool({
        files: g.file,
        projectDirectory: g.projectDirectory,
        profiles: g.profile,
        size,
        name: o.name,
        snapshot: o.snapshot,
        engine: await ctx.engine(),
        env: ctx.env,
        onEvent: (e) => (e.type === "warning" ? ctx.err(`warning: ${e.message}`) : undefined),
      });
      try {
        await pool.ready({ timeoutMs: parseTimeout(g.timeout, 300_000) });
        const s = await pool.status();
        ctx.out(
          g.json
            ? JSON.stringify({ ok: true, pool: s })
            : g.quiet
              ? pool.name
              : `pool ${pool.name}: ${s.warm} warm; claim with claimFromPool("${pool.name}"); Ctrl-C ends it`,
        );
        // The pool's own timers do not hold the process: this does, until Ctrl-C/SIGTERM aborts the command.
        const hold = setInterval(() => undefined, 1 << 30);
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        clearInterval(hold);
      } finally {
        await pool.close();
      }
    });
}
