import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { targetProject } from "../target.js";
import { allocatesTty, localIo, localStdio } from "../terminal.js";
import { collect } from "../repeatable.js";

interface ExecCliOptions {
  index: string;
  env?: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  /** false with -T; true with -t (the default anyway). */
  tty?: boolean;
}

export function registerExec(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("exec")
    .description("run a command in a service's running container with your stdin (and terminal); exits with its exit code")
    .argument("<service>", "the service")
    .argument("<command...>", "the command and its arguments (put them after -- when they start with -)")
    .option("--index <n>", "which replica (default 1)", "1")
    .option("-e, --env <KEY=value>", "set an environment variable (repeatable)", collect)
    .option("-u, --user <user>", "run as this user")
    .option("-w, --workdir <dir>", "run in this directory")
    .option("--privileged", "give the command extended privileges (as docker compose exec --privileged)")
    .option("-T, --no-tty", "no pseudo-terminal, even on a terminal (output stays byte for byte; stdin is still streamed in)")
    .option("-t, --tty", "a pseudo-terminal when stdin and stdout are terminals (the default; accepted for the `-it` habit)")
    .option("-i, --interactive", "stream stdin in (always; accepted for the `-it` habit)")
    .addHelpText(
      "after",
      "\nOn a terminal the command gets a pseudo-terminal (raw keys, Ctrl-C included, and window resizes\n" +
        "go to it). Otherwise, or with -T, stdin is streamed in and closed at its end, stdout and stderr\n" +
        "stay apart.\n" +
        "\nExamples:\n  berth exec postgres psql -U shop -c 'select 1'\n  berth exec -p my-env redis -- redis-cli info server\n" +
        "  berth exec -it postgres psql -U shop\n  berth exec -T postgres psql -U shop < dump.sql\n" +
        "  berth exec -e DEBUG=1 backend node -e 'console.log(process.env.DEBUG)'",
    )
    .action(async (service: string, command: string[], o: ExecCliOptions) => {
      const g = globals();
      const { engine, project } = await targetProject(ctx, g);
      const { serviceContainer } = await import("../../lifecycle/operations.js");
      const container = await serviceContainer(engine, project, service, { index: Number(o.index), signal: ctx.signal });
      const { io, restore } = localIo(ctx, allocatesTty(o.tty, localStdio()));
      try {
        ctx.exitCode = await engine.execAttached(container.id, command, io, {
          env: o.env,
          user: o.user,
          workingDir: o.workdir,
          privileged: o.privileged,
          signal: ctx.signal,
        });
      } finally {
        restore();
      }
    });
}
