/**
 * The store matrix's process tests (see store-matrix.test.ts), run against every store: two
 * writers, a server during a write, eval, MCP over stdio and kill -9, through the CLI with the
 * shipped model.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { beforeAll, describe, expect, it } from "vitest";
import { copyIndex } from "../src/papers.js";
import { CLI, SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";
import { factories } from "./store-factories.js";

describe.each(factories)("the $name store, with processes", (factory) => {
  const env = { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" };
  const more = join(tempDir(), "more.txt");
  // 96 real SciFact abstracts as "Abstract:" lines: six checkpoints of 16, embedded by the real model.
  const MORE = 96;
  writeFileSync(
    more,
    readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8").split("\n").slice(0, MORE).map((l) => `Abstract:${JSON.parse(l).text}`).join("\n") + "\n",
  );
  // The seeds, embedded once by the real model through the CLI; each test that writes starts from
  // a copy of it (copyIndex embeds nothing), the MCP test reads it as it is.
  const seeded = factory.fresh();
  const seededCopy = async () => {
    const library = factory.fresh();
    expect(await copyIndex(seeded.options, library.options)).toMatchObject({ added: 30 });
    return library;
  };
  beforeAll(() => {
    const run = runCli([...seeded.args, "index", SEEDS]);
    expect(run.status, run.stderr).toBe(0);
  }, 300_000);
  const start = (args: string[]) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c) => (stdout += c));
    child.stderr!.on("data", (c) => (stderr += c));
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
    return { child, exited };
  };
  const until = async (what: () => Promise<boolean>) => {
    const deadline = Date.now() + 120_000;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it("lets one of two writers in at a time: the second fails at once, or waits with --wait", async () => {
    const library = await seededCopy();
    const first = start([...library.args, "index", SEEDS, more, "--checkpoint-every", "16", "--json"]);
    await until(async () => (await factory.checkpointed(library)) >= 16);
    const busy = runCli([...library.args, "index", SEEDS]);
    expect(busy.status).toBe(1);
    expect(busy.stderr).toMatch(/^papers: index at .* is being written by .*: wait for it to finish, or add --wait\n$/);
    const second = start([...library.args, "index", SEEDS, "--wait", "--json"]);
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ added: MORE });
    // The second ran after the first committed: it found every paper already there.
    expect(JSON.parse(b.stdout)).toMatchObject({ added: 0, unchanged: 30, papers: 30 + MORE });
  }, 300_000);

  it("keeps a server answering during a write, then serves the new generation", async () => {
    const library = await seededCopy();
    const server = spawn(process.execPath, [CLI, ...library.args, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    server.stdout!.on("data", (c) => (log += c));
    server.stderr!.resume();
    try {
      await until(async () => /serving \d+ papers .* at http/.test(log));
      const url = /at (http:\/\/\S+)/.exec(log)![1]!;
      const writer = start([...library.args, "index", SEEDS, more, "--checkpoint-every", "16"]);
      let done = false;
      void writer.exited.then(() => (done = true));
      const statuses: number[] = [];
      let question = 0;
      while (!done) {
        // A new question each time, so that every answer is computed, not cached.
        const response = await fetch(`${url}api/search?q=${encodeURIComponent(`decoding speed ${question++}`)}&k=3`);
        statuses.push(response.status);
        expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(3);
        // A pause between questions: back to back, the server's embedding starves the writer of CPU.
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await writer.exited).code).toBe(0);
      expect(statuses.length).toBeGreaterThan(5);
      expect(statuses.every((s) => s === 200)).toBe(true);
      await until(async () => ((await (await fetch(`${url}api/info`)).json()) as { count: number }).count === 30 + MORE);
    } finally {
      server.kill("SIGTERM");
    }
  }, 300_000);

  it("scores a BEIR dataset with eval, and embeds nothing the second time", () => {
    const library = factory.fresh();
    const dir = tempDir();
    const docs = readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8").split("\n").slice(0, 40);
    writeFileSync(join(dir, "corpus.jsonl"), docs.join("\n") + "\n");
    // Each question is a document's title; that document is the one relevant answer.
    const judged = docs.slice(0, 10).map((line) => JSON.parse(line) as { _id: string; title: string });
    writeFileSync(join(dir, "queries.jsonl"), judged.map((d, i) => JSON.stringify({ _id: `q${i}`, text: d.title })).join("\n") + "\n");
    mkdirSync(join(dir, "qrels"));
    writeFileSync(join(dir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\n" + judged.map((d, i) => `q${i}\t${d._id}\t1`).join("\n") + "\n");
    const first = runCli([...library.args, "eval", dir, "--json"]);
    expect(first.status, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ queries: 10, mode: "hybrid" });
    // A title finds its own abstract first nearly always.
    expect(report.ndcg_at_10).toBeGreaterThan(0.8);
    const second = JSON.parse(runCli([...library.args, "eval", dir, "--json"]).stdout);
    expect(second.index_seconds).toBe(0);
    expect(second.ndcg_at_10).toBe(report.ndcg_at_10);
  }, 300_000);

  it("answers MCP tools over stdio", async () => {
    const library = seeded;
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, ...library.args, "mcp"], env: env as Record<string, string>, stderr: "pipe" });
    transport.stderr!.on("data", () => {});
    const client = new Client({ name: "papers-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const search = await client.callTool({ name: "search", arguments: { question: "ways to reduce decode latency", k: 3 } });
      const results = (search.structuredContent as { results: { id: string }[] }).results;
      expect(results).toHaveLength(3);
      const shown = await client.callTool({ name: "show", arguments: { id: results[0]!.id } });
      expect((shown.structuredContent as { id: string }).id).toBe(results[0]!.id);
      const info = await client.callTool({ name: "info", arguments: {} });
      expect(info.structuredContent).toMatchObject({ count: 30 });
    } finally {
      await client.close();
    }
  }, 300_000);

  it("survives kill -9 of a writer mid-run: the library answers as before, and a rerun completes", async () => {
    const library = await seededCopy();
    const writer = start([...library.args, "index", SEEDS, more, "--checkpoint-every", "16"]);
    await until(async () => (await factory.checkpointed(library)) >= 48);
    writer.child.kill("SIGKILL");
    await writer.exited;
    const info = runCli([...library.args, "info", "--json"]);
    expect(JSON.parse(info.stdout).count, info.stderr).toBe(30);
    expect(JSON.parse(runCli([...library.args, "search", "decoding", "-k", "2", "--json"]).stdout)).toHaveLength(2);
    const rerun = runCli([...library.args, "index", SEEDS, more, "--json"]);
    expect(rerun.status, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary.resumed).toBeGreaterThanOrEqual(48);
    expect(summary.resumed + summary.embedded).toBe(MORE);
    expect(JSON.parse(runCli([...library.args, "info", "--json"]).stdout).count).toBe(30 + MORE);
  }, 300_000);
});
