import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { targetProject } from "../target.js";

export function registerPort(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("port")
    .description("print the host address a service's container port is published on")
    .argument("<service>", "the service")
    .argument("<port>", "the container port, e.g. 5432 or 53/udp")
    .option("--index <n>", "which replica (default 1)", "1")
    .addHelpText("after", "\nExamples:\n  berth port postgres 5432            # 127.0.0.1:49153\n  berth port -p my-env redis 6379 --json")
    .action(async (service: string, portArg: string, o: { index: string }) => {
      const g = globals();
      const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(portArg);
      if (!m) throw new BerthError("USAGE", `"${portArg}" is not a container port`, { hint: "Give a number, optionally with a protocol: 5432 or 53/udp." });
      const { engine, project } = await targetProject(ctx, g);
      const [{ readEnvironment }, { hostAddress }] = await Promise.all([import("../../lifecycle/status.js"), import("../../ports/bindings.js")]);
      const data = await readEnvironment(engine, project, "test", ctx.signal);
      const s = data.services[service];
      if (!s)
        throw new BerthError("NOT_FOUND", `environment ${project} has no service "${service}"`, {
          hint: `Services: ${Object.keys(data.services).join(", ")}.`,
        });
      const c = s.containers.find((x) => x.number === Number(o.index));
      const p = c?.ports.find((x) => x.containerPort === Number(m[1]) && (!m[2] || x.protocol === m[2]));
      if (!p) {
        throw new BerthError("NOT_FOUND", `service ${service} publishes no port ${portArg}`, {
          hint: `Published: ${c?.ports.map((x) => `${x.containerPort}/${x.protocol}`).join(", ") || "none"}; add "${m[1]}" to its ports: in the compose file.`,
        });
      }
      if (g.json)
        return ctx.out(
          JSON.stringify({ service, containerPort: p.containerPort, protocol: p.protocol, hostIp: p.hostIp, hostPort: p.hostPort, address: hostAddress(p) }),
        );
      ctx.out(hostAddress(p));
    });
}
