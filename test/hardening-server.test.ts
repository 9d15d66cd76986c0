/**
 * The smaller holes of issue 12 on the server's side: Node's own 400s, methods other than GET,
 * /api/info and the index's path, ids at the length limit, and k written other than in decimal.
 */
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "../src/corpus/read-corpus.js";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const root = tempDir("papers-server-hard-");
const indexDir = join(root, "index");
const options = { indexDir, embedder: hashEmbedderLoader() };
const LONGEST_ID = `${"é/ü?#%".repeat(33)}ab`; // 200 characters, every one needing percent-encoding
const TOO_LONG_ID = "x".repeat(201);
const input = join(root, "papers.jsonl");

let index: PaperIndex;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  writeFileSync(
    input,
    [
      { id: "short-1", abstract: "Sea ice extent in the Arctic shrinks each September." },
      { id: LONGEST_ID, abstract: "A paper whose id is exactly as long as ids may be." },
      { id: TOO_LONG_ID, abstract: "A paper whose id is one character too long to fetch." },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n") + "\n",
  );
  await indexPapers([input], options);
  index = await openIndex(options);
  app = buildServer(index);
  base = await app.listen({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await app?.close();
  await index?.close();
});

/** Sends raw bytes and returns the whole answer once the server closes (or after 3 s). */
function raw(bytes: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(base).port), "127.0.0.1");
    let received = "";
    const timer = setTimeout(() => socket.destroy(), 3000);
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on("error", reject);
    socket.write(bytes);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));

describe("Node's own 400s carry the API's error body", () => {
  it("raw non-ASCII bytes in the URL", async () => {
    const answer = await raw(Buffer.concat([Buffer.from("GET /api/search?q="), Buffer.from([0xe9, 0xff]), Buffer.from(" HTTP/1.1\r\nHost: x\r\n\r\n")]));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: application\/json/i);
    expect(bodyOf(answer)).toEqual({ error: { code: "BAD_REQUEST", message: expect.stringMatching(/not valid HTTP/) } });
  });

  it("Content-Length together with Transfer-Encoding", async () => {
    const answer = await raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(answer).error.code).toBe("BAD_REQUEST");
  });
});

describe("methods other than GET and HEAD", () => {
  for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
    it(`${method} on an endpoint is 405 with Allow: GET, HEAD`, async () => {
      for (const path of ["/api/search?q=ice", "/api/info", "/api/papers/short-1", "/api/papers/short-1/related", "/healthz", "/"]) {
        const answer = await fetch(`${base}${path}`, { method });
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.headers.get("allow")).toBe("GET, HEAD");
        expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
      }
    });
  }

  it("a path the server does not have is still 404, whatever the method", async () => {
    expect((await fetch(`${base}/api/nothing`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
  });
});

describe("/api/info", () => {
  it("does not tell clients where the index is on the server's disk", async () => {
    const text = await (await fetch(`${base}/api/info`)).text();
    expect(JSON.parse(text)).not.toHaveProperty("indexPath");
    expect(text).not.toContain(root);
    expect(JSON.parse(text).count).toBe(2);
    // The CLI's `info` (the library) still has it.
    expect(index.info().indexPath).toContain(indexDir);
  });
});

describe("ids are fetchable up to the limit and refused past it, at index time and by the API alike", () => {
  it("an id of 200 characters, every one percent-encoded, is fetched", async () => {
    const answer = await fetch(`${base}/api/papers/${encodeURIComponent(LONGEST_ID)}`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { id: string }).id).toBe(LONGEST_ID);
    const related = await fetch(`${base}/api/papers/${encodeURIComponent(LONGEST_ID)}/related?k=1`);
    expect(related.status).toBe(200);
  });

  it("an id of 201 characters is a named record skip when indexing", async () => {
    const corpus = await readCorpus([input]);
    expect(corpus.papers.map((p) => p.id)).not.toContain(TOO_LONG_ID);
    expect(corpus.skipped).toEqual([{ file: input, line: 3, reason: "id of 201 characters, over the limit of 200: give the record a shorter id", kind: "record" }]);
    await expect(index.get(TOO_LONG_ID)).rejects.toThrow(/no paper/);
  });
});

describe("k is a decimal whole number", () => {
  for (const k of ["0x10", "1e1", "+5", " 5", "5.0", "0b11", "Infinity"]) {
    it(`k=${k} is refused`, async () => {
      const answer = await fetch(`${base}/api/search?q=ice&k=${encodeURIComponent(k)}`);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ error: { code: "BAD_REQUEST", message: "k must be a whole number from 1 to 100" } });
    });
  }

  it("k=16 is taken", async () => {
    const answer = await fetch(`${base}/api/search?q=ice&k=16`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { results: unknown[] }).results).toHaveLength(2);
  });
});
