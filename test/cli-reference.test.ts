/**
 * The command-line reference cannot fall behind the CLI: every command `papers --help` lists, and
 * every long option of every command, is in docs/cli.md (written from the help by
 * scripts/cli-reference.mjs), and every command is in the README.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "./helpers.js";

const REFERENCE = readFileSync(join(REPO, "docs", "cli.md"), "utf8");
const README = readFileSync(join(REPO, "README.md"), "utf8");
const REGENERATE = "run `npm run build && node scripts/cli-reference.mjs`";

function help(args: string[]): string {
  const result = runCli([...args, "--help"]);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** The names in the help's "Commands:" section, commander's own `help` left out. */
function listedCommands(top: string): string[] {
  const lines = top.split("\n");
  const start = lines.indexOf("Commands:");
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") break;
    const name = /^ {2}([a-z][\w-]*)/.exec(line)?.[1];
    if (name && name !== "help") names.push(name);
  }
  return names;
}

/** Every --long option a help text names, in its "Options:" section. */
function longOptions(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf("Options:");
  const options = new Set<string>();
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") break;
    for (const match of line.matchAll(/^ {2}(?:-\w, )?(--[a-z][\w-]*)/g)) options.add(match[1]!);
  }
  return [...options];
}

/** The part of docs/cli.md under "## papers NAME", up to the next heading. */
function referenceOf(name: string): string {
  const start = REFERENCE.indexOf(`\n## papers ${name}\n`);
  if (start < 0) return "";
  const next = REFERENCE.indexOf("\n## ", start + 1);
  return REFERENCE.slice(start, next < 0 ? undefined : next);
}

const top = help([]);
const commands = listedCommands(top);

describe("docs/cli.md and the README against `papers --help`", () => {
  it("finds the commands and the options in the help (the parsing below is sound)", () => {
    expect(commands).toEqual(expect.arrayContaining(["index", "search", "related", "recommend", "serve", "mcp"]));
    expect(longOptions(top)).toEqual(expect.arrayContaining(["--index", "--store", "--models", "--offline", "--help"]));
  });

  it("docs/cli.md has every option given before the command", () => {
    const global = REFERENCE.slice(0, REFERENCE.indexOf("\n## papers "));
    const missing = longOptions(top).filter((option) => !global.includes(option));
    expect(missing, `not in docs/cli.md: ${REGENERATE}`).toEqual([]);
  });

  it.each(commands)("docs/cli.md has `papers %s` and every long option its --help lists", (name) => {
    const section = referenceOf(name);
    expect(section, `no "## papers ${name}" in docs/cli.md: ${REGENERATE}`).not.toBe("");
    const options = longOptions(help([name]));
    expect(options).toContain("--help");
    const missing = options.filter((option) => !new RegExp(`${option}(?![\\w-])`).test(section));
    expect(missing, `options of papers ${name} not in docs/cli.md: ${REGENERATE}`).toEqual([]);
  });

  it("docs/cli.md has every subcommand (`papers fetch arxiv`) and every long option its --help lists", () => {
    const nested = commands.flatMap((name) => listedCommands(help([name])).map((sub) => [name, sub] as const));
    expect(nested).toContainEqual(["fetch", "arxiv"]);
    for (const [name, sub] of nested) {
      const section = referenceOf(name);
      const start = section.indexOf(`\n### papers ${name} ${sub}\n`);
      expect(start, `no "### papers ${name} ${sub}" in docs/cli.md: ${REGENERATE}`).toBeGreaterThan(0);
      const missing = longOptions(help([name, sub])).filter((option) => !new RegExp(`${option}(?![\\w-])`).test(section.slice(start)));
      expect(missing, `options of papers ${name} ${sub} not in docs/cli.md: ${REGENERATE}`).toEqual([]);
    }
  });

  it("docs/cli.md has no command the help no longer lists", () => {
    const documented = [...REFERENCE.matchAll(/^## papers (\S+)$/gm)].map((m) => m[1]!);
    expect(documented.filter((name) => !commands.includes(name)), `stale in docs/cli.md: ${REGENERATE}`).toEqual([]);
  });

  it("the README names every command `papers --help` lists", () => {
    const missing = commands.filter((name) => !new RegExp(`\\bpapers ${name}\\b`).test(README));
    expect(missing, "commands the README does not show").toEqual([]);
  });
});
