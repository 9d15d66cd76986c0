/**
 * The HTTP API against a real server on an ephemeral port: the real model, an index built from
 * the seeds, real HTTP requests.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { ResponseCache } from "../src/server/response-cache.js";
import { isLoopback, parsePort } from "../src/server/serve.js";
import { SEEDS, modelsDir, tempDir } from "./helpers.js";
import type { Paper } from "../src/papers.js";

/** A result as `--json` and the API print it. */
type Hit = Paper & { score: number };

/** `--json`'s keys, less `sources`: a network answer does not name the server's files (test/server-requests.test.ts). */
const HIT_KEYS = ["id", "title", "abstract", "score", "arxivId", "doi", "journalRef", "comments", "authors", "categories", "year", "date"];

describe("papers HTTP API", () => {
  const indexDir = join(tempDir("papers-server-"), "index");
  const lines: string[] = [];
  const errors: string[] = [];
  let index: PaperIndex;
  let app: FastifyInstance;
  let base: string;

  const options = () => ({ indexDir, modelsDir: modelsDir(), offline: true });

  beforeAll(async () => {
    await indexPapers([SEEDS], options());
    index = await openIndex(options());
    app = buildServer(index, { log: (line) => lines.push(line), logError: (line) => errors.push(line) });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await app?.close();
    await index?.close();
  });

  async function get(path: string): Promise<{ status: number; type: string; body: any }> {
    const response = await fetch(base + path);
    const text = await response.text();
    return { status: response.status, type: response.headers.get("content-type") ?? "", body: JSON.parse(text) };
  }

  /** A 4xx JSON error with a code and a message, and nothing that looks like a stack trace. */
  async function expectError(path: string, status: number, code: string, message?: RegExp) {
    const { status: got, type, body } = await get(path);
    expect(got, path).toBe(status);
    expect(type).toMatch(/^application\/json/);
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
    expect(body.error.code, path).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    if (message) expect(body.error.message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(js|ts):\d+|node_modules|\/src\//);
  }

  it("answers a search with the same objects as `search --json`", async () => {
    const { status, body } = await get(`/api/search?q=${encodeURIComponent("ways to reduce decode latency")}`);
    expect(status).toBe(200);
    expect(body.query).toBe("ways to reduce decode latency");
    expect(body.mode).toBe("hybrid");
    const results = body.results as Hit[];
    expect(results).toHaveLength(10);
    // A question's hits also carry their calibrated relevance (test/server-research.test.ts).
    for (const hit of results) expect(Object.keys(hit)).toEqual([...HIT_KEYS, "relevance"]);
    expect(results.slice(0, 5).some((h) => /Aggressive Decoding/.test(h.title ?? ""))).toBe(true);
    const scores = results.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // The same hits the library gives, in the same order.
    const direct = await index.search("ways to reduce decode latency", 10, "hybrid");
    expect(results.map((h) => h.id)).toEqual(direct.map((h) => h.id));
  });

  it("respects k and mode", async () => {
    for (const mode of ["dense", "lexical", "hybrid"]) {
      const { status, body } = await get(`/api/search?q=episodic+memory+for+reinforcement+learning&k=3&mode=${mode}`);
      expect(status).toBe(200);
      expect(body.mode).toBe(mode);
      expect(body.results).toHaveLength(3);
      expect(body.results[0].abstract, mode).toMatch(/episodic memory/i);
    }
    const lexical = (await get("/api/search?q=decoding&k=5&mode=lexical")).body.results as Hit[];
    const dense = (await get("/api/search?q=decoding&k=5&mode=dense")).body.results as Hit[];
    expect(lexical.map((h) => h.score)).not.toEqual(dense.map((h) => h.score));
    expect((await get("/api/search?q=decoding&k=1")).body.results).toHaveLength(1);
    expect((await get("/api/search?q=decoding&k=100")).body.results).toHaveLength(30);
  });

  it("answers many questions at once exactly as one at a time", async () => {
    const questions = [
      "attention spans of transformer heads",
      "homotopy groups of spheres",
      "mixed-precision quantization of language models",
      "gradient synchronization in data-parallel training",
      "memory for reinforcement learning agents",
      "lossless speedup of sequence generation",
    ];
    // A second index object, with its own query cache: the answers one question at a time.
    const alone = await openIndex(options());
    const expected = new Map<string, { id: string; score: number }[]>();
    try {
      for (const q of questions) expected.set(q, (await alone.search(q, 5, "dense")).map(({ id, score }) => ({ id, score })));
    } finally {
      await alone.close();
    }
    // Each question three times, all at once: batched, deduplicated, then cached.
    const asked = questions.flatMap((q) => [q, q, q]);
    const answers = await Promise.all(asked.map((q) => get(`/api/search?q=${encodeURIComponent(q)}&k=5&mode=dense`)));
    answers.forEach(({ status, body }, i) => {
      expect(status).toBe(200);
      const want = expected.get(asked[i]!)!;
      expect((body.results as Hit[]).map((h) => h.id)).toEqual(want.map((h) => h.id));
      (body.results as Hit[]).forEach((h, j) => expect(h.score).toBeCloseTo(want[j]!.score, 3));
    });
  });

  it("serves a repeated question from its cache, with the same answer", async () => {
    const path = `/api/search?q=${encodeURIComponent("kv cache compression")}&k=4&mode=hybrid`;
    const first = await fetch(base + path);
    const second = await fetch(base + path);
    expect(first.headers.get("x-cache")).toBe("miss");
    expect(second.headers.get("x-cache")).toBe("hit");
    expect(await second.text()).toBe(await first.text());
    const other = await fetch(`${base}/api/search?q=${encodeURIComponent("kv cache compression")}&k=4&mode=lexical`);
    expect(other.headers.get("x-cache")).toBe("miss");
  });

  it("refuses every invalid input with a 400 JSON error", async () => {
    const q = (text: string) => encodeURIComponent(text);
    await expectError("/api/search?q=", 400, "BAD_REQUEST", /q must not be empty/);
    await expectError("/api/search", 400, "BAD_REQUEST", /missing query parameter "q"/);
    await expectError(`/api/search?q=${"x".repeat(1001)}`, 400, "BAD_REQUEST", /q must be at most 1000 characters/);
    await expectError("/api/search?q=x&k=0", 400, "BAD_REQUEST", /k must be a whole number from 1 to 100/);
    await expectError("/api/search?q=x&k=101", 400, "BAD_REQUEST", /k must be a whole number from 1 to 100/);
    await expectError("/api/search?q=x&k=abc", 400, "BAD_REQUEST", /k must be a whole number/);
    await expectError("/api/search?q=x&k=2.5", 400, "BAD_REQUEST", /k must be a whole number/);
    await expectError("/api/search?q=x&mode=fuzzy", 400, "BAD_REQUEST", /mode must be one of dense, lexical, hybrid/);
    await expectError("/api/search?q=x&q=y", 400, "BAD_REQUEST", /q must be a string/);
    // Unknown parameters are refused, not silently dropped.
    await expectError("/api/search?q=x&foo=1", 400, "BAD_REQUEST", /unknown query parameter "foo"/);
    await expectError("/api/papers/2404.09336?k=3", 400, "BAD_REQUEST", /unknown query parameter "k"/);
    await expectError("/api/papers/2404.09336/related?q=x", 400, "BAD_REQUEST", /unknown query parameter "q"/);
    await expectError("/api/papers/2404.09336/related?k=0", 400, "BAD_REQUEST", /k must be/);
    await expectError("/api/papers/2404.09336/related?mode=x", 400, "BAD_REQUEST", /mode must be/);
    await expectError("/api/info?verbose=1", 400, "BAD_REQUEST", /unknown query parameter "verbose"/);
    await expectError("/healthz?x", 400, "BAD_REQUEST");
    // A question of blanks passes the schema and is refused by the library, with its own code.
    await expectError(`/api/search?q=${q("   ")}`, 400, "EMPTY_QUERY", /question is empty/);
    // Malformed URLs get the same JSON shape.
    await expectError("/api/papers/%E0%A4%A", 400, "BAD_REQUEST");
    await expectError(`/api/papers/${"x".repeat(300)}`, 400, "BAD_REQUEST");
  });

  it("accepts a question of exactly 1000 characters", async () => {
    const { status, body } = await get(`/api/search?q=${"decoding ".repeat(111)}d&k=1`);
    expect(status).toBe(200);
    expect(body.query).toHaveLength(1000);
  });

  it("shows a paper, and 404s an unknown id", async () => {
    const { status, body } = await get("/api/papers/2404.09336");
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(HIT_KEYS.filter((k) => k !== "score"));
    expect(body.arxivId).toBe("2404.09336");
    expect((await get("/api/papers/arXiv:2404.09336v2")).body.id).toBe("2404.09336");
    await expectError("/api/papers/9999.99999", 404, "UNKNOWN_ID", /no paper with id "9999\.99999"/);
    await expectError("/api/papers/9999.99999/related", 404, "UNKNOWN_ID");
  });

  it("finds related papers, leaving the paper itself out", async () => {
    for (const mode of ["dense", "lexical", "hybrid"]) {
      const { status, body } = await get(`/api/papers/2404.09336/related?k=4&mode=${mode}`);
      expect(status).toBe(200);
      expect(body.paper.id).toBe("2404.09336");
      expect(body.mode).toBe(mode);
      const results = body.results as Hit[];
      expect(results).toHaveLength(4);
      expect(results.map((h) => h.id)).not.toContain("2404.09336");
      for (const hit of results) expect(Object.keys(hit)).toEqual(HIT_KEYS);
    }
    const all = (await get("/api/papers/2404.09336/related?k=100")).body.results as Hit[];
    expect(all).toHaveLength(29);
  });

  it("describes the index and answers health checks", async () => {
    const info = await get("/api/info");
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ model: "Xenova/all-MiniLM-L6-v2", dimension: 384, count: 30 });
    expect(new Date(info.body.builtAt).getTime()).toBeGreaterThan(Date.now() - 3_600_000);
    const health = await get("/healthz");
    expect(health).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("answers an unknown route with a 404 JSON error, and another method on a known one with 405", async () => {
    await expectError("/nope", 404, "NOT_FOUND", /no such endpoint: GET \/nope/);
    await expectError("/api/search/extra?q=x", 404, "NOT_FOUND");
    const response = await fetch(`${base}/api/search?q=x`, { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("keeps answering after bad requests", async () => {
    const bad = ["/api/search?q=", "/api/search?q=x&k=abc", "/api/papers/%E0%A4%A", "/nope", "/api/papers/nope"];
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(base + bad[i % bad.length]!).then((r) => r.status)));
    expect(statuses.every((s) => s >= 400 && s < 500)).toBe(true);
    const { status, body } = await get("/api/search?q=speculative+decoding&k=2");
    expect(status).toBe(200);
    expect(body.results).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it("serves the search page, self-contained and locked down", async () => {
    const response = await fetch(`${base}/?q=decoding&mode=dense`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/connect-src 'self'/);
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/);
    // No external resources: no src=, no stylesheet links, no absolute URLs but the arXiv/DOI links it builds.
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/<link[^>]+stylesheet/);
    expect([...new Set(html.match(/https?:\/\/[^"' ]+/g))].sort()).toEqual(["https://arxiv.org/abs/", "https://doi.org/"]);
    // The page's data only ever becomes text, never markup.
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it("logs one line per request: method, URL, status, milliseconds", async () => {
    lines.length = 0;
    await get("/api/search?q=decoding&k=1");
    await get("/nope");
    await get("/api/papers/%E0%A4%A");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^GET \/api\/search\?q=decoding&k=1 200 \d+\.\d ms$/);
    expect(lines[1]).toMatch(/^GET \/nope 404 \d+\.\d ms$/);
    expect(lines[2]).toMatch(/^GET \/api\/papers\/%E0%A4%A 400 \d+\.\d ms$/);
  });

  it("turns an unexpected error into a bare 500 and logs it", async () => {
    // A closed index fails with better-sqlite3's own TypeError: a real bug, not a user's error.
    const closed = await openIndex(options());
    await closed.close();
    const logged: string[] = [];
    const broken = buildServer(closed, { logError: (line) => logged.push(line) });
    try {
      const response = await broken.inject({ url: "/api/papers/2404.09336" });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: { code: "INTERNAL", message: "internal error" } });
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^GET \/api\/papers\/2404\.09336: unexpected error: TypeError: .*not open/);
      expect(logged[0]).toMatch(/\n\s+at /); // the stack goes to the log
      expect((await broken.inject({ url: "/healthz" })).statusCode).toBe(200);
    } finally {
      await broken.close();
    }
  });
});

describe("serve options", () => {
  it("tells loopback addresses from others", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.com", "128.0.0.1"]) expect(isLoopback(host), host).toBe(false);
  });

  it("keeps the most recently used answers within its budget", () => {
    const byCount = new ResponseCache(10_000, 3);
    for (const key of ["a", "b", "c"]) byCount.set(key, "x".repeat(50));
    expect(byCount.get("a")).toBeDefined(); // a is now the most recently used
    byCount.set("d", "x".repeat(50));
    expect([byCount.get("b"), byCount.size]).toEqual([undefined, 3]);

    const byBytes = new ResponseCache(1600, 100); // 100 characters take 200 bytes: 8 fit
    for (let i = 0; i < 8; i++) byBytes.set(`k${i}`, "x".repeat(100));
    expect(byBytes.size).toBe(8);
    expect(byBytes.get("k0")).toBeDefined();
    byBytes.set("k8", "x".repeat(100));
    expect([byBytes.get("k1"), byBytes.size]).toEqual([undefined, 8]);
    expect(byBytes.get("k0")).toBeDefined();
    byBytes.set("huge", "x".repeat(101)); // over an eighth of the budget: never kept
    expect([byBytes.get("huge"), byBytes.size]).toEqual([undefined, 8]);
  });

  it("parses ports", () => {
    expect(parsePort("0")).toBe(0);
    expect(parsePort("8080")).toBe(8080);
    for (const bad of ["-1", "65536", "x", "80.5", ""]) expect(() => parsePort(bad), bad).toThrow(/port number/);
  });
});
