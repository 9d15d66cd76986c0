/**
 * The pages' scripts are TypeScript (src/web), checked against the DOM and built into dist/web;
 * the server inlines what was built, under the CSP hash of exactly that text, and hands the map
 * page its data as JSON rather than as script.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAP_PAGE_CSP, MAP_PAGE_HTML } from "../src/server/map-page.js";
import { PAGE_CSP, PAGE_HTML } from "../src/server/page.js";
import { TOPIC_COLOURS } from "../src/map/render.js";
import { REPO, tempDir } from "./helpers.js";

const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");

function tsc(args: string[]) {
  const run = spawnSync(process.execPath, [TSC, ...args], { cwd: REPO, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The page's one executable inline script (a JSON block is not one). */
function inlineScript(html: string): string {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  expect(scripts).toHaveLength(1);
  return scripts[0]!;
}

const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("the pages' scripts", () => {
  it("type-check against the DOM", () => {
    const { status, output } = tsc(["-p", "src/web", "--noEmit"]);
    expect(output).toBe("");
    expect(status).toBe(0);
  }, 120_000);

  it("stop the build on a type error, and nothing is emitted", () => {
    const root = tempDir("papers-web-build-");
    cpSync(join(REPO, "src", "web"), join(root, "web"), { recursive: true });
    appendFileSync(join(root, "web", "search-page.ts"), '\nconst wrong: number = document.title;\n');
    const out = join(root, "out");
    const { status, output } = tsc(["-p", join(root, "web"), "--outDir", out]);
    expect(status).not.toBe(0);
    expect(output).toMatch(/search-page\.ts.*error TS2322/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it.each([
    ["search", PAGE_HTML, PAGE_CSP, ["dom", "likes", "answer-panel", "search-page"]],
    ["map", MAP_PAGE_HTML, MAP_PAGE_CSP, ["dom", "map-page"]],
  ])("the %s page inlines what was built from src/web, in order, under the CSP hash of that text", (_name, html, csp, parts) => {
    const script = inlineScript(html);
    expect(csp).toContain(`script-src ${hashOf(script)};`);
    const at = parts.map((name) => {
      const built = readFileSync(join(REPO, "dist", "web", `${name}.js`), "utf8").replace(/^"use strict";\n/, "");
      expect(script).toContain(built);
      return script.indexOf(built);
    });
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it("the map page gets its colours as JSON, not spliced into its script", () => {
    const block = /<script type="application\/json" id="topic-colours">([^<]*)<\/script>/.exec(MAP_PAGE_HTML);
    expect(JSON.parse(block![1]!)).toEqual(TOPIC_COLOURS);
    expect(inlineScript(MAP_PAGE_HTML)).not.toContain(TOPIC_COLOURS[0]);
  });
});
