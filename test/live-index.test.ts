/**
 * The one live index every long-running front end answers from (src/requests/live-index.ts), in
 * process with the instant hash embedder: following CURRENT at call time, one retry policy for a
 * generation that fails to open, a coded error after close, and answers keyed by generation.
 */
import { copyFileSync, cpSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { createMcpServer } from "../src/mcp/server.js";
import { LiveIndex, fixedIndex } from "../src/requests/live-index.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { SEEDS, tempDir } from "./helpers.js";

const root = tempDir("papers-live-");
const indexDir = join(root, "index");
const options = () => ({ indexDir, embedder: hashEmbedderLoader() });
const currentName = () => readFileSync(join(indexDir, "CURRENT"), "utf8").trim();

function pointCurrentAt(name: string): void {
  writeFileSync(join(indexDir, "CURRENT.test.tmp"), `${name}\n`);
  renameSync(join(indexDir, "CURRENT.test.tmp"), join(indexDir, "CURRENT"));
}

async function addPaper(id: string): Promise<void> {
  const file = join(root, `${id}.jsonl`);
  writeFileSync(file, `${JSON.stringify({ id, title: `Paper ${id}`, abstract: `An abstract about ${id} and nothing else.` })}\n`);
  await indexPapers([SEEDS, ...[file]], options());
}

beforeAll(async () => {
  await indexPapers([SEEDS], options());
});

describe("LiveIndex checking at call time (MCP over stdio)", () => {
  it("answers the next call from a generation committed meanwhile", async () => {
    const lines: string[] = [];
    const live = new LiveIndex(await openIndex(options()), options(), { checkOnUse: true, log: (line) => lines.push(line) });
    try {
      const before = await live.use(async (index, generation) => ({ count: index.info().count, generation }));
      await addPaper("follow-1");
      const after = await live.use(async (index, generation) => ({ count: index.info().count, generation }));
      expect(after.count).toBe(before.count + 1);
      expect(after.generation).toBe(currentName());
      expect(after.generation).not.toBe(before.generation);
      expect(live.info()).toMatchObject({ generation: currentName(), newerGeneration: null, reloadError: null });
      expect(lines).toEqual([`papers: now serving ${after.count} papers from ${after.generation} (was ${before.generation})`]);
    } finally {
      await live.close();
    }
  });

  it("tries a generation that failed to open again after retryFailedMs, not only when CURRENT changes", async () => {
    const warnings: string[] = [];
    const live = new LiveIndex(await openIndex(options()), options(), { checkOnUse: true, retryFailedMs: 300, warn: (line) => warnings.push(line) });
    const good = currentName();
    const broken = "gen-zzzz-broken";
    try {
      cpSync(join(indexDir, good), join(indexDir, broken), { recursive: true });
      rmSync(join(indexDir, broken, "papers.hnsw"));
      pointCurrentAt(broken);
      expect(await live.use((_index, generation) => generation)).toBe(good);
      expect(live.info()).toMatchObject({ generation: good, newerGeneration: broken, reloadError: expect.stringMatching(/damaged/) });
      expect(warnings).toHaveLength(1);

      // Repaired under the same name: CURRENT does not change, the retry policy picks it up.
      copyFileSync(join(indexDir, good, "papers.hnsw"), join(indexDir, broken, "papers.hnsw"));
      const deadline = Date.now() + 10_000;
      let served = good;
      while (served !== broken && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        served = await live.use((_index, generation) => generation);
      }
      expect(served).toBe(broken);
      expect(live.info().reloadError).toBeNull();
    } finally {
      await live.close();
      pointCurrentAt(good);
      rmSync(join(indexDir, broken), { recursive: true, force: true });
    }
  });
});

describe("LiveIndex after close", () => {
  it("refuses use with INDEX_CLOSED, whether it checks on a timer or at call time", async () => {
    for (const checkOnUse of [false, true]) {
      const live = new LiveIndex(await openIndex(options()), options(), { checkOnUse });
      await live.close();
      await expect(live.use((index) => index.list())).rejects.toMatchObject({ name: "PapersError", code: "INDEX_CLOSED", message: expect.stringMatching(/closed/) });
    }
  });

  it("lets a call in flight at close() finish before the index closes", async () => {
    const live = new LiveIndex(await openIndex(options()), options(), { checkOnUse: true });
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const began = new Promise<void>((resolve) => (started = resolve));
    const inFlight = live.use(async (index) => {
      started();
      await gate;
      return (await index.list()).length;
    });
    await began;
    const closing = live.close();
    release();
    expect(await inFlight).toBeGreaterThan(0);
    await closing;
  });
});

describe("answers are keyed by generation", () => {
  let first: PaperIndex;
  let second: PaperIndex;

  beforeAll(async () => {
    first = await openIndex(options());
    await addPaper("keyed-1");
    second = await openIndex(options());
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it("a fixed index hands out its generation, not its location", async () => {
    expect(second.generation).not.toBe(first.generation);
    expect(await fixedIndex(first).use((_index, generation) => generation)).toBe(first.generation);
    expect(fixedIndex(second).info()).toMatchObject({ generation: second.generation, count: second.info().count });
  });

  it("MCP caches per generation, even when two generations share a location (as under PostgreSQL)", async () => {
    const keys: string[] = [];
    const answer = (key: string, compute: () => Promise<string>) => {
      keys.push(key);
      return compute();
    };
    // The second generation seen at the first one's location: one database, two generations.
    const sameLocation = new Proxy(second, {
      get: (target, property) => (property === "dir" || property === "location" ? Reflect.get(first, property) : Reflect.get(target, property)),
    });
    for (const index of [first, sameLocation]) {
      const server = createMcpServer(index, { answer });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const client = new Client({ name: "keys", version: "1" });
      await client.connect(clientSide);
      await client.callTool({ name: "search", arguments: { question: "decoding", k: 2 } });
      await client.close();
      await server.close();
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).toContain(first.generation);
    expect(keys[1]).toContain(second.generation);
    expect(keys[0]).not.toBe(keys[1]);
  });
});
