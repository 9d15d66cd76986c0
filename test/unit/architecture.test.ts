/**
 * The rules of docs/architecture.md, checked on the source so that they stay true: no file over
 * 600 lines, no import cycle (type-only imports included), the library never imports a front end,
 * the request layer sits on the facade alone, and front ends meet only at their entry modules.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../src/", import.meta.url).pathname;
const MAX_LINES = 600;
const FRONT_ENDS = ["cli", "server", "mcp", "watch"];
/** How one front end starts another: the CLI's `serve` and `mcp` commands, and MCP's HTTP transport mounted by the server. */
const FRONT_END_ENTRIES = ["server/serve.ts", "server/listen.ts", "server/cors.ts", "mcp/index.ts", "watch/index.ts"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "web" ? [] : sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of a file (static, type-only, re-export and dynamic), as src-relative paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(SRC, resolve(dirname(file), s.replace(/\.js$/, ".ts"))));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [relative(SRC, f), importsOf(f)]));
const area = (path: string) => path.split("/")[0]!;

describe("architecture", () => {
  it("has no source file over 600 lines", () => {
    const long = files.map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length] as const).filter(([, n]) => n > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("has no import cycle", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, "open");
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, "done");
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it("keeps the library free of front ends", () => {
    const wrong = [...graph].flatMap(([file, imports]) =>
      FRONT_ENDS.includes(area(file)) ? [] : imports.filter((i) => FRONT_ENDS.includes(area(i))).map((i) => `${file} -> ${i}`),
    );
    expect(wrong).toEqual([]);
  });

  it("builds the request layer on the facade alone", () => {
    const wrong = [...graph].flatMap(([file, imports]) =>
      area(file) === "requests" ? imports.filter((i) => !["requests", "papers.ts", "limits.ts"].includes(area(i))).map((i) => `${file} -> ${i}`) : [],
    );
    expect(wrong).toEqual([]);
  });

  it("lets front ends meet only at their entry modules", () => {
    const wrong = [...graph].flatMap(([file, imports]) =>
      FRONT_ENDS.includes(area(file))
        ? imports.filter((i) => FRONT_ENDS.includes(area(i)) && area(i) !== area(file) && !FRONT_END_ENTRIES.includes(i)).map((i) => `${file} -> ${i}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });
});
