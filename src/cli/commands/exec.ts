import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { targetProject } from "../target.js";

interface ExecCliOptions {
  index: string;
  env?: string[];
  user?: string;
  workdir?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerExec(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("exec")
    .description("run a command in a service's running container, streaming its output; exits with its exit code")
    .argument("<service>", "the service")
    .argument("<command...>", "the command and its arguments (put them after -- when they start with -)")
    .option("--index <n>", "which replica (default 1)", "1")
    .option("-e, --env <KEY=value>", "set an environment variable (repeatable)", collect)
    .option("-u, --user <user>", "run as this user")
    .option("-w, --workdir <dir>", "run in this directory")
    .addHelpText(
      "after",
      "\nExamples:\n  berth exec postgres psql -U shop -c 'select 1'\n  berth exec -p my-env redis -- redis-cli info server\n  berth exec -e DEBUG=1 backend node -e 'console.log(process.env.DEBUG)'",
    )
    .action(async (service: string, command: string[], o: ExecCliOptions) => {
      const g = globals();
      const { engine, project } = await targetProject(ctx, g);
      const { execInService } = await import("../../lifecycle/operations.js");
      ctx.exitCode = await execInService(engine, project, service, command, (stream, data) => (stream === "stdout" ? ctx.writeOut(data) : ctx.writeErr(data)), {
        index: Number(o.index),
        env: o.env,
        user: o.user,
        workingDir: o.workdir,
        signal: ctx.signal,
      });
    });
}
