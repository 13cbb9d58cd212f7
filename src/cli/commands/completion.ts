/**
 * Shell completion scripts, generated from the registered commands and options so they never
 * drift from the CLI. Service names are completed by asking `berth config --services`.
 */
import type { Command, Option } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** Commands whose positional arguments are service names. */
const SERVICE_COMMANDS = [
  "logs",
  "exec",
  "run",
  "restart",
  "stop",
  "start",
  "wait",
  "port",
  "troubleshoot",
  "up",
  "events",
  "pull",
  "push",
  "build",
  "images",
  "top",
  "kill",
  "pause",
  "unpause",
  "rm",
];

interface Spec {
  name: string;
  description: string;
  options: { flags: string[]; description: string; takesValue: boolean }[];
}

function optionSpec(o: Option): Spec["options"][number] {
  return { flags: [o.short, o.long].filter((f): f is string => !!f), description: o.description, takesValue: o.required || o.optional };
}

export function describeCli(program: Command): { globals: Spec["options"]; commands: Spec[] } {
  const commands = program.commands
    .filter((c) => c.name() !== "help")
    .flatMap((c) => [c.name(), ...c.aliases()].map((name) => ({ name, description: c.description(), options: c.options.map(optionSpec) })));
  return { globals: program.options.map(optionSpec), commands: commands.sort((a, b) => a.name.localeCompare(b.name)) };
}

const quote = (s: string) => s.replace(/'/g, "'\\''");

export function bashScript(program: Command): string {
  const { globals, commands } = describeCli(program);
  const cases = commands.map((c) => `    ${c.name}) opts='${c.options.flatMap((o) => o.flags).join(" ")}' ;;`).join("\n");
  return `# berth completion for bash: eval "$(berth completion bash)" (or save it in /etc/bash_completion.d/berth)
_berth() {
  local cur cmd i opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  local globals='${globals.flatMap((o) => o.flags).join(" ")}'
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(" ")} $globals" -- "$cur")); return
  fi
  case "$cmd" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts $globals" -- "$cur")); return; fi
  case "$cmd" in
    ${SERVICE_COMMANDS.join("|")}) COMPREPLY=($(compgen -W "$(berth config --services 2>/dev/null)" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -F _berth berth
`;
}

export function zshScript(program: Command): string {
  const { globals, commands } = describeCli(program);
  const arg = (o: Spec["options"][number]) => o.flags.map((f) => `'${f}[${quote(o.description).replace(/[[\]]/g, "")}]${o.takesValue ? ":value:" : ""}'`);
  const cases = commands
    .map(
      (c) =>
        `      (${c.name}) _arguments -s ${[...c.options.flatMap(arg), ...(SERVICE_COMMANDS.includes(c.name) ? ["'*:service:_berth_services'"] : ["'*:file:_files'"])].join(" ")} ;;`,
    )
    .join("\n");
  return `#compdef berth
# berth completion for zsh: berth completion zsh > "\${fpath[1]}/_berth" (then restart the shell)
_berth_services() { compadd -- \${(f)"$(berth config --services 2>/dev/null)"} }
_berth() {
  local -a commands
  commands=(
${commands.map((c) => `    '${c.name}:${quote(c.description).replace(/:/g, "\\:")}'`).join("\n")}
  )
  _arguments -C ${globals.flatMap(arg).join(" ")} '1:command:->command' '*::arg:->args'
  case $state in
    (command) _describe 'berth command' commands ;;
    (args)
      case $words[1] in
${cases}
      esac ;;
  esac
}
_berth "$@"
`;
}

export function fishScript(program: Command): string {
  const { globals, commands } = describeCli(program);
  const opt = (o: Spec["options"][number], cond: string) => {
    const short = o.flags.find((f) => /^-[^-]$/.test(f));
    const long = o.flags.find((f) => f.startsWith("--"));
    return `complete -c berth${cond}${short ? ` -s ${short.slice(1)}` : ""}${long ? ` -l ${long.slice(2)}` : ""}${o.takesValue ? " -r" : ""} -d '${quote(o.description)}'`;
  };
  const lines = [
    "# berth completion for fish: berth completion fish > ~/.config/fish/completions/berth.fish",
    "complete -c berth -f",
    ...globals.map((o) => opt(o, "")),
    ...commands.map((c) => `complete -c berth -n __fish_use_subcommand -a ${c.name} -d '${quote(c.description)}'`),
    ...commands.flatMap((c) => c.options.map((o) => opt(o, ` -n '__fish_seen_subcommand_from ${c.name}'`))),
    `complete -c berth -n '__fish_seen_subcommand_from ${SERVICE_COMMANDS.join(" ")}' -a '(berth config --services 2>/dev/null)'`,
    "complete -c berth -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'",
  ];
  return `${lines.join("\n")}\n`;
}

export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command("completion")
    .description("print a shell completion script for bash, zsh or fish")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      '\nExamples:\n  eval "$(berth completion bash)"                                  # bash, this shell\n  berth completion zsh > "${fpath[1]}/_berth"                       # zsh\n  berth completion fish > ~/.config/fish/completions/berth.fish      # fish',
    )
    .action((shell: string) => {
      const make = { bash: bashScript, zsh: zshScript, fish: fishScript }[shell];
      if (!make) throw new BerthError("USAGE", `no completion for shell "${shell}"`, { hint: "Use bash, zsh or fish." });
      ctx.writeOut(make(program));
    });
}
