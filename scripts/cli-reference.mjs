#!/usr/bin/env node
/**
 * Writes docs/cli.md, the command-line reference, from `papers --help` and each command's
 * `--help`, so that it says what the built CLI says. Run it after changing a command or an
 * option (`npm run build` first: it runs bin/papers.js, which loads dist/):
 *
 *   node scripts/cli-reference.mjs            # writes docs/cli.md
 *   node scripts/cli-reference.mjs --check    # exits 1 if docs/cli.md is not what it would write
 *
 * test/cli-reference.test.ts checks docs/cli.md and README.md against the help.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const REPO = new URL("..", import.meta.url).pathname;
const CLI = join(REPO, "bin", "papers.js");
const OUT = join(REPO, "docs", "cli.md");

/** The help as a pipe gets it (commander wraps at 80 columns then), with this machine's home as ~. */
function help(args) {
  const text = execFileSync(process.execPath, [CLI, ...args, "--help"], {
    encoding: "utf8",
    env: { ...process.env, COLUMNS: "80", NO_COLOR: "1" },
  });
  const home = homedir();
  return (home.length > 1 ? text.split(home).join("~") : text).trimEnd();
}

/** The lines of one section ("Options:", "Commands:") of a help text. */
function section(text, title) {
  const lines = text.split("\n");
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && line.trim() === "");
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Each command `papers --help` lists, with its description unwrapped; commander's `help` left out. */
function commands(top) {
  const listed = [];
  for (const line of section(top, "Commands")) {
    const entry = /^ {2}(\S+)(.*?)\s{2,}(\S.*)$/.exec(line);
    if (entry) listed.push({ name: entry[1], usage: `${entry[1]}${entry[2]}`, about: entry[3] });
    else if (listed.length > 0 && /^\s{3,}\S/.test(line)) listed.at(-1).about += ` ${line.trim()}`;
  }
  return listed.filter((c) => c.name !== "help");
}

function reference() {
  const top = help([]);
  const listed = commands(top);
  const out = [
    "# Command-line reference",
    "",
    "<!-- Written by `node scripts/cli-reference.mjs` from `papers --help`: do not edit by hand.",
    "     test/cli-reference.test.ts fails when a command or an option is missing here. -->",
    "",
    "Every command below, and its options, exactly as `papers <command> --help` prints them. The",
    "[README](../README.md) shows the main ones at work, and [searching.md](searching.md) says more",
    "about modes, filters, output and errors.",
    "",
    "| command | what it does |",
    "| --- | --- |",
    ...listed.map((c) => `| [\`papers ${c.usage.replace(/\|/g, "\\|")}\`](#papers-${c.name}) | ${c.about.replace(/\|/g, "\\|")} |`),
    "",
    "## Options for every command",
    "",
    "Given before the command: `papers --index ~/my-index search ...`.",
    "",
    "```text",
    top,
    "```",
  ];
  for (const c of listed) {
    const own = help([c.name]);
    out.push("", `## papers ${c.name}`, "", "```text", own, "```");
    // A command of commands (`papers fetch arxiv`): each subcommand's help under its own heading.
    for (const sub of commands(own)) out.push("", `### papers ${c.name} ${sub.name}`, "", "```text", help([c.name, sub.name]), "```");
  }
  return out.join("\n") + "\n";
}

const text = reference();
if (process.argv.includes("--check")) {
  const current = readFileSync(OUT, "utf8");
  if (current !== text) {
    console.error("docs/cli.md is not what `papers --help` says: run node scripts/cli-reference.mjs");
    process.exit(1);
  }
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}
