/**
 * The per-command reference pages under docs/commands/, made from the CLI's own definitions and
 * help texts, so the pages can never say something `berth <command> --help` does not.
 * Written by scripts/gen-cli-docs.mjs; test/unit/docs.test.ts fails when they are out of date.
 */
import type { Command } from "commander";

/** Help is rendered at a fixed width and without colours so the pages do not depend on the terminal. */
function helpOf(command: Command): string {
  let text = "";
  command.configureOutput({
    writeOut: (s) => (text += s),
    writeErr: (s) => (text += s),
    getOutHelpWidth: () => 100,
    getErrHelpWidth: () => 100,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });
  command.outputHelp();
  return text.trimEnd();
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${text.endsWith(".") ? "" : "."}`;
const fence = (text: string) => "```text\n" + text + "\n```";

/** file name (relative to docs/commands/) → content. */
export function commandPages(program: Command): Map<string, string> {
  const pages = new Map<string, string>();
  const commands = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const rows: string[] = [];
  for (const command of commands) {
    const name = command.name();
    const aliases = command.aliases();
    const lines = [
      `# berth ${name}`,
      "",
      sentence(command.description()),
      "",
      ...(aliases.length ? [`Alias: ${aliases.map((a) => `\`berth ${a}\``).join(", ")}.`, ""] : []),
      fence(helpOf(command)),
      "",
      "Global options (`-f`, `-p`, `--profile`, `--env-file`, `--json`, `-q`, `--no-color`, `--timeout`) and exit codes: [berth](README.md).",
      "",
    ];
    pages.set(`${name}.md`, lines.join("\n"));
    rows.push(`| [\`${name}\`](${name}.md)${aliases.length ? ` (${aliases.join(", ")})` : ""} | ${command.description()} |`);
  }
  const index = [
    "# berth commands",
    "",
    "One page per command, generated from the CLI itself (`npm run docs`); `berth <command> --help` prints the same.",
    "",
    "| command | what it does |",
    "|---|---|",
    ...rows,
    "",
    "## berth",
    "",
    fence(helpOf(program)),
    "",
  ];
  pages.set("README.md", index.join("\n"));
  return pages;
}
