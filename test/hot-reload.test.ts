/**
 * A running server picks up a new index generation without a restart: `papers index` (the CLI,
 * another process) adds papers to the index the server has open, every request meanwhile is
 * answered, and the server then serves the new generation (count, new paper, no stale cached
 * answers). A new generation that cannot be opened leaves the old one serving, and /api/info
 * says so.
 */
import { spawn } from "node:child_process";
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexPapers } from "../src/papers.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
import { CLI, SEEDS, modelsDir, tempDir } from "./helpers.js";

const root = tempDir("papers-reload-");
const indexDir = join(root, "index");
const options = () => ({ indexDir, modelsDir: modelsDir(), offline: true });

const NEW_PAPERS = [
  { id: "zebra-1", title: "Zebrafish fin regeneration", abstract: "We map the signalling pathways that let zebrafish regrow amputated fins within two weeks." },
  { id: "zebra-2", title: "Axolotl limb regrowth", abstract: "Axolotls regenerate whole limbs; we compare their blastema cells with zebrafish fin cells." },
];

let server: RunningServer;
const logged: string[] = [];

beforeAll(async () => {
  await indexPapers([SEEDS], options());
  // CURRENT is read every 200 ms here (every second by default), to keep the test short.
  server = await startServer(options(), { port: 0, host: "127.0.0.1" }, { log: (line) => logged.push(line), warn: (line) => logged.push(line) }, { reload: { checkEveryMs: 200, retryFailedMs: 500 } });
});

afterAll(async () => {
  await server?.close();
});

async function get(path: string): Promise<{ status: number; body: any; cache: string | null }> {
  const response = await fetch(`${server.url}${path.replace(/^\//, "")}`);
  return { status: response.status, body: await response.json(), cache: response.headers.get("x-cache") };
}

/** Polls until `done` holds (bounded), returning the last value. */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

const currentName = () => readFileSync(join(indexDir, "CURRENT"), "utf8").trim();

/** Points CURRENT at a generation the way a writer does: a new file renamed over it. */
function pointCurrentAt(name: string): void {
  writeFileSync(join(indexDir, "CURRENT.test.tmp"), `${name}\n`);
  renameSync(join(indexDir, "CURRENT.test.tmp"), join(indexDir, "CURRENT"));
}

describe("hot reload", () => {
  it("serves the generation `papers index` commits, without a restart, answering every request meanwhile", async () => {
    const before = await get("/api/info");
    expect(before.body).toMatchObject({ count: 30, generation: currentName(), newerGeneration: null, reloadError: null });
    const oldIndex = server.live.current;

    // Asked (and cached) before the new papers exist.
    const question = "/api/search?q=zebrafish+fin+regeneration&k=3&mode=lexical";
    expect((await get(question)).body.results).toEqual([]);
    expect((await get(question)).cache).toBe("hit");

    const extra = join(root, "new.jsonl");
    writeFileSync(extra, NEW_PAPERS.map((p) => JSON.stringify(p)).join("\n") + "\n");
    const indexing = runCli(["--index", indexDir, "index", SEEDS, extra]);

    // Requests of every kind, back to back, while the writer embeds, commits and removes the old
    // generation, and while the server opens the new one and swaps it in.
    const statuses: number[] = [];
    let stop = false;
    const traffic = (async () => {
      // (Not `question`: it must stay unasked on the new generation, to show its cache is separate.)
      const paths = ["/api/search?q=speculative+decoding&k=3", "/api/info", "/api/papers/2404.09336", "/api/papers/2404.09336/related?k=3", "/api/search?q=zebrafish&k=2"];
      for (let i = 0; !stop; i++) statuses.push((await get(paths[i % paths.length]!)).status);
    })();

    const { code, stderr } = await indexing;
    expect(code, stderr).toBe(0);
    const after = await until(() => get("/api/info"), (info) => info.body.count === 32);
    stop = true;
    await traffic;

    expect(after.body).toMatchObject({ count: 32, generation: currentName(), newerGeneration: null, reloadError: null });
    expect(after.body.generation).not.toBe(before.body.generation);
    expect(Date.parse(after.body.builtAt)).toBeGreaterThan(Date.parse(before.body.builtAt));
    console.log(`${statuses.length} requests while \`papers index\` ran and the server swapped generations: ${statuses.filter((s) => s === 200).length} answered 200`);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // The new paper is found, and the answer cached for the old generation is not served.
    const found = await get(question);
    expect(found.cache).toBe("miss");
    expect(found.body.results.map((r: { id: string }) => r.id)).toContain("zebra-1");
    expect((await get("/api/papers/zebra-2")).body.title).toBe("Axolotl limb regrowth");
    expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^papers: now serving 32 papers from ${after.body.generation} \\(was ${before.body.generation}\\)$`)));

    // The old generation is closed once its requests are done.
    expect(server.live.current).not.toBe(oldIndex);
    await until(async () => { try { await oldIndex.list(); return false; } catch { return true; } }, (closed) => closed, 5_000);
    await expect(oldIndex.list()).rejects.toThrow(/not open/);
  });

  it("keeps serving the old generation when the new one is damaged, says so, and moves on when it is fixed", async () => {
    const good = currentName();
    const broken = "gen-zzzz-broken";
    cpSync(join(indexDir, good), join(indexDir, broken), { recursive: true });
    rmSync(join(indexDir, broken, "papers.hnsw"));
    pointCurrentAt(broken);

    const info = await until(() => get("/api/info"), (i) => i.body.reloadError !== null, 10_000);
    expect(info.body).toMatchObject({ count: 32, generation: good, newerGeneration: broken, reloadError: expect.stringMatching(/damaged/) });
    // The reason is given, not the server's folders (issue 27, item 19).
    expect(info.body.reloadError).not.toContain(indexDir);
    expect(info.body.reloadError).toMatch(/<index>\/gen-zzzz-broken/);
    expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^papers: cannot open the new index generation ${broken}, still serving ${good}: .*damaged`)));
    const search = await get("/api/search?q=zebrafish&k=2");
    expect(search.status).toBe(200);
    expect(search.body.results.length).toBe(2);

    pointCurrentAt(good);
    const fixed = await until(() => get("/api/info"), (i) => i.body.newerGeneration === null, 10_000);
    expect(fixed.body).toMatchObject({ generation: good, newerGeneration: null, reloadError: null });
  });
});
