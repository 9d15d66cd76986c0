#!/usr/bin/env node
// Package smoke test: `npm pack`, install the tarball into an empty project with an empty HOME,
// then (1) `npx papers search` answers offline from the shipped model and seeds, writing its index
// under XDG_DATA_HOME and nothing inside the installed package, and (2) an ESM script imports the
// library by its package name and searches. Run by .ci/run; `npm run smoke` runs it by hand.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "papers-smoke-"));
const home = join(work, "home");
const project = join(work, "project");
const started = Date.now();

function run(command, args, cwd, env = {}) {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    // An empty HOME: nothing provisioned, no user config. npm keeps its usual download cache, and
    // onnxruntime-node is told not to fetch CUDA libraries (the install step the README documents).
    env: { ...process.env, HOME: home, XDG_CACHE_HOME: "", XDG_DATA_HOME: "", PAPERS_MODELS: "", PAPERS_INDEX: "", npm_config_cache: process.env.npm_config_cache || join(homedir(), ".npm"), ONNXRUNTIME_NODE_INSTALL: "skip", ...env },
  });
}

function check(condition, message) {
  if (!condition) {
    console.error(`package smoke: FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`package smoke: ok: ${message}`);
}

try {
  for (const dir of [home, project]) execFileSync("mkdir", ["-p", dir]);
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], repo))[0];
  const files = packed.files.map((f) => f.path);
  check(files.includes("dist/papers.js") && files.includes("dist/papers.d.ts") && files.includes("bin/papers.js"), "the tarball has dist/ and bin/");
  check(files.includes("models/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx") && files.some((f) => f.startsWith("seeds/")), "the tarball has the default model and the seeds");
  check(!files.some((f) => f.startsWith("test/") || f.startsWith("src/") || f.startsWith("index/")), "the tarball has no tests, sources or index");

  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", join(work, packed.filename)], project);
  const installed = join(project, "node_modules", "papers");
  const before = readdirSync(installed).sort().join(",");

  const output = run("npx", ["--no-install", "papers", "--offline", "search", "ways to reduce decode latency", "-k", "5", "--json"], project);
  const hits = JSON.parse(output);
  check(hits.length === 5, "`npx papers search` answers offline with 5 papers");
  check(existsSync(join(home, ".local", "share", "papers", "index", "CURRENT")), "the index is under $HOME/.local/share/papers");
  check(readdirSync(installed).sort().join(",") === before, "nothing was written inside the installed package");

  writeFileSync(
    join(project, "library.mjs"),
    `import { openIndex, paperJson } from "papers";
const index = await openIndex({ indexDir: process.argv[2], offline: true });
try {
  const hits = await index.search("ways to reduce decode latency", 3);
  console.log(JSON.stringify(hits.map((h) => paperJson(h, h.score))));
} finally {
  await index.close();
}
`,
  );
  const fromLibrary = JSON.parse(run("node", ["library.mjs", join(home, ".local", "share", "papers", "index")], project));
  check(fromLibrary.length === 3 && fromLibrary[0].id === hits[0].id, "an ESM script imports papers by name and gets the CLI's top hit");
  console.log(`package smoke: passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
