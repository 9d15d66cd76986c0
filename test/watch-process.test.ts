/**
 * `papers watch` and `serve --watch` as processes (issue 24 §1), with the shipped model: SIGTERM,
 * kill -9 mid-batch then a restart, a hand-run `index` while a batch holds the writer lock, and a
 * change reaching /api/search. Every wait polls with a deadline.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, modelsDir, runCli, tempDir } from "./helpers.js";
import { factories } from "./store-factories.js";

const env = { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" };
const folderStore = factories[0]!;

function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (c) => (out.stdout += c));
  child.stderr!.on("data", (c) => (out.stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  return { child, out, exited, batches: () => out.stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

async function until(what: () => Promise<boolean> | boolean, label: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Real SciFact abstracts (their first 40 words: quicker to embed) as JSON Lines with ids. */
function scifact(file: string, count = 96): string[] {
  const rows = readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8").split("\n").slice(0, count).map((l) => JSON.parse(l));
  writeFileSync(file, rows.map((r) => JSON.stringify({ id: `sf${r._id}`, title: r.title, abstract: r.text.split(/\s+/).slice(0, 40).join(" ") })).join("\n") + "\n");
  return rows.map((r) => `sf${r._id}`);
}

const listIds = (args: string[]) => {
  const run = runCli([...args, "list", "--json"]);
  return run.status === 0 ? (JSON.parse(run.stdout) as { id: string }[]).map((p) => p.id) : [];
};

describe("papers watch, as a process", () => {
  it("exits 0 on SIGTERM, without a stack trace", async () => {
    const { args } = folderStore.fresh();
    const folder = tempDir();
    writeFileSync(join(folder, "one.jsonl"), JSON.stringify({ id: "w1", abstract: "glaciers move faster in spring" }) + "\n");
    const watch = start([...args, "watch", folder, "--json"]);
    await until(() => watch.batches().length >= 1, "the startup batch");
    expect(watch.batches()[0]).toMatchObject({ batch: 1, added: 1 });
    watch.child.kill("SIGTERM");
    const { code } = await watch.exited;
    expect(code, watch.out.stderr).toBe(0);
    expect(watch.out.stderr).toMatch(/papers: SIGTERM: stopping\n/);
    expect(watch.out.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("a hand-run index during a batch is refused, or waits with --wait; killed with -9 mid-batch, watch catches up at its next start: nothing lost, nothing twice", async () => {
    const library = folderStore.fresh();
    const root = tempDir();
    const folder = join(root, "Papers");
    mkdirSync(folder);
    writeFileSync(join(folder, "seed.jsonl"), JSON.stringify({ id: "w0", abstract: "a first paper so the index exists" }) + "\n");
    const first = start([...library.args, "watch", folder, "--checkpoint-every", "8", "--json"]);
    await until(() => first.batches().length >= 1, "the startup batch");
    const ids = scifact(join(folder, "scifact.jsonl"), 96);
    await until(async () => (await folderStore.checkpointed(library)) >= 8, "a checkpoint of the batch");

    // The batch holds the writer lock: a hand-run index is refused at once, or waits with --wait.
    const other = join(root, "other.jsonl");
    writeFileSync(other, JSON.stringify({ id: "h1", abstract: "written by hand while watch runs" }) + "\n");
    const refused = runCli([...library.args, "index", other]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^papers: index at .* is being written by .*: wait for it to finish, or add --wait\n$/);
    const waiting = start([...library.args, "index", other, "--wait", "--json"]);
    let waited = false;
    void waiting.exited.then(() => (waited = true));
    await until(async () => (await folderStore.checkpointed(library)) >= 40, "more checkpoints");
    expect(first.batches()).toHaveLength(1); // still mid-batch
    expect(waited, "the --wait run is still waiting").toBe(false);
    first.child.kill("SIGKILL");
    await first.exited;
    // The killed writer's lock went with it: the waiting run goes on.
    expect((await waiting.exited).code, waiting.out.stderr).toBe(0);
    expect(JSON.parse(waiting.out.stdout)).toMatchObject({ added: 1 });
    expect(listIds(library.args).sort()).toEqual(["h1", "w0"]);

    const second = start([...library.args, "watch", folder, "--checkpoint-every", "8", "--json"]);
    await until(() => second.batches().length >= 1, "the catch-up batch", 120_000);
    expect(second.batches()[0]).toMatchObject({ batch: 1, added: ids.length });
    // Watch goes on after the hand-run commit: a new file is its next batch.
    writeFileSync(join(folder, "later.jsonl"), JSON.stringify({ id: "w2", abstract: "a paper added after the restart" }) + "\n");
    await until(() => second.batches().some((b) => b.batch === 2 && b.added === 1), "the next batch");
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    const all = listIds(library.args);
    expect(all.length).toBe(new Set(all).size);
    expect(all.sort()).toEqual(["h1", "w0", "w2", ...ids].sort());
  }, 240_000);

  it("serve --watch: a new file shows in /api/search within seconds", async () => {
    const { args } = folderStore.fresh();
    const folder = tempDir();
    writeFileSync(join(folder, "one.jsonl"), JSON.stringify({ id: "w1", abstract: "glaciers move faster in spring" }) + "\n");
    const serve = start([...args, "serve", "--port", "0", "--watch", folder]);
    try {
      await until(() => /serving 1 papers .* at http/.test(serve.out.stdout), "the server", 60_000);
      const url = /at (http:\/\/\S+)/.exec(serve.out.stdout)![1]!;
      const search = async (q: string) => (await (await fetch(`${url}api/search?mode=lexical&q=${q}`)).text());
      expect(await search("beekeeping")).not.toMatch(/"w2"/);
      writeFileSync(join(folder, "two.jsonl"), JSON.stringify({ id: "w2", abstract: "beekeeping in alpine valleys" }) + "\n");
      const written = Date.now();
      await until(async () => /"w2"/.test(await search("beekeeping")), "the new paper in search", 30_000);
      expect(Date.now() - written).toBeLessThan(10_000);
      expect(serve.out.stderr).toMatch(/papers: watch: folders: 1 added/);
    } finally {
      serve.child.kill("SIGTERM");
      expect((await serve.exited).code, serve.out.stderr).toBe(0);
    }
  }, 120_000);
});
