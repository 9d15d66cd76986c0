/**
 * The API's research features over real HTTP: exports (format=), recommend, related from a text,
 * explanations and calibrated scores, on an index of the seeds and the export fixture, real model.
 */
import { join } from "node:path";
import { parse as parseRis } from "astrocite-ris";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { REPO, SEEDS, modelsDir, tempDir } from "./helpers.js";

const TRICKY = join(REPO, "test", "fixtures", "export-tricky.jsonl");

describe("research features over HTTP", () => {
  const indexDir = join(tempDir("papers-research-server-"), "index");
  let index: PaperIndex;
  let app: FastifyInstance;
  let base: string;
  const options = () => ({ indexDir, modelsDir: modelsDir(), offline: true });

  beforeAll(async () => {
    await indexPapers([SEEDS, TRICKY], options());
    index = await openIndex(options());
    app = buildServer(index, { logError: () => {} });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await app?.close();
    await index?.close();
  });

  async function fetchText(path: string, init?: RequestInit): Promise<{ status: number; type: string; text: string }> {
    const response = await fetch(base + path, init);
    return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
  }

  describe("format=", () => {
    it("search results as BibTeX, RIS, CSV, CSL-JSON, JSON lines and Markdown, each with its media type", async () => {
      const q = encodeURIComponent("sorting in n log n time");
      const json = JSON.parse((await fetchText(`/api/search?q=${q}&k=3`)).text);
      const ids = json.results.map((r: { id: string }) => r.id);
      const expected: Record<string, RegExp> = {
        bibtex: /^application\/x-bibtex/,
        ris: /^application\/x-research-info-systems/,
        csv: /^text\/csv/,
        "csl-json": /^application\/vnd\.citationstyles\.csl\+json/,
        jsonl: /^application\/x-ndjson/,
        markdown: /^text\/markdown/,
        json: /^application\/json/,
      };
      for (const [format, type] of Object.entries(expected)) {
        const got = await fetchText(`/api/search?q=${q}&k=3&format=${format}`);
        expect(got.status, format).toBe(200);
        expect(got.type, format).toMatch(type);
        for (const id of ids) if (format !== "markdown" || id.includes(".")) expect(got.text, format).toContain(format === "markdown" ? id : id);
      }
      expect(JSON.parse((await fetchText(`/api/search?q=${q}&k=3&format=json`)).text)).toEqual(json);
      const ris = parseRis((await fetchText(`/api/search?q=${q}&k=3&format=ris`)).text) as unknown as { id: string }[];
      expect(ris.map((r) => r.id)).toEqual(ids);
      const csl = JSON.parse((await fetchText(`/api/search?q=${q}&k=3&format=csl-json`)).text) as { id: string }[];
      expect(csl.map((r) => r.id)).toEqual(ids);
    });

    it("a paper and its related papers in a format; an unknown format is a 400 naming the choices", async () => {
      const one = await fetchText("/api/papers/2401.00001?format=bibtex");
      expect(one.type).toMatch(/^application\/x-bibtex/);
      expect(one.text).toContain("eprint = {2401.00001}");
      const related = await fetchText("/api/papers/2401.00001/related?k=2&format=ris");
      expect(related.type).toMatch(/^application\/x-research-info-systems/);
      expect((parseRis(related.text) as unknown[]).length).toBe(2);
      const bad = await fetchText("/api/search?q=x&format=docx");
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text).error.message).toMatch(/format must be one of json, jsonl, csv, bibtex, ris, csl-json, markdown/);
    });
  });

  describe("POST /api/recommend and /api/related", () => {
    const post = (path: string, body: unknown) =>
      fetchText(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    it("recommends from likes and unlikes with the words behind it, seeds left out, as JSON or an export", async () => {
      const like = ["2401.00001", "2401.00002"];
      const unlike = ["6559ca12e267"];
      const got = await post("/api/recommend", { like, unlike, k: 5 });
      expect(got.status, got.text).toBe(200);
      const body = JSON.parse(got.text);
      expect(body.method).toBe("classifier");
      expect(body.results.length).toBe(5);
      expect(body.results.map((r: { id: string }) => r.id).filter((id: string) => [...like, ...unlike].includes(id))).toEqual([]);
      expect(body.why.words.length).toBeGreaterThan(0);
      expect(body.results).toEqual((await index.recommend({ like, unlike, k: 5 })).hits.map((h) => expect.objectContaining({ id: h.id })));
      const bib = await post("/api/recommend?format=bibtex", { like, unlike, k: 5 });
      expect(bib.type).toMatch(/^application\/x-bibtex/);
      expect(bib.text.match(/^@/gm)?.length).toBe(5);
    });

    it("finds papers close to a text not in the index", async () => {
      const text = "speeding up the decoding of large language models";
      const got = await post("/api/related", { text, k: 3 });
      expect(got.status, got.text).toBe(200);
      expect(JSON.parse(got.text).results.map((r: { id: string }) => r.id)).toEqual((await index.relatedToText(text, 3)).map((h) => h.id));
    });

    it("refuses bad bodies with a 4xx that says what is wrong", async () => {
      const cases: [string, unknown, number, RegExp][] = [
        ["/api/recommend", {}, 400, /at least one --like ID or a --text/],
        ["/api/recommend", { like: ["nope"] }, 404, /no paper with id "nope"/],
        ["/api/recommend", { like: ["2401.00001"], colour: "red" }, 400, /unknown field "colour"/],
        ["/api/recommend", { like: Array.from({ length: 101 }, (_, i) => `id${i}`) }, 400, /like/],
        ["/api/recommend", { like: ["2401.00001"], unlike: ["2401.00001"] }, 400, /both liked and unliked/],
        ["/api/recommend", { text: "x".repeat(20_001) }, 400, /text must be at most 20000 characters/],
        ["/api/recommend", { like: "2401.00001" }, 400, /like must be an? array/],
        ["/api/related", {}, 400, /missing field "text"/],
        ["/api/related", { text: "x", mode: "fuzzy" }, 400, /mode must be one of/],
      ];
      for (const [path, body, status, message] of cases) {
        const got = await post(path, body);
        expect(got.status, JSON.stringify(body).slice(0, 80)).toBe(status);
        expect(JSON.parse(got.text).error.message, JSON.stringify(body).slice(0, 80)).toMatch(message);
      }
      const broken = await fetchText("/api/recommend", { method: "POST", headers: { "content-type": "application/json" }, body: "{like:" });
      expect(broken.status).toBe(400);
    });
  });

  describe("explain and calibrated relevance", () => {
    it("explain=true gives each hit its sentence closest to the question and the matched words with their shares", async () => {
      const q = "sorting in n log n time";
      const body = JSON.parse((await fetchText(`/api/search?q=${encodeURIComponent(q)}&k=5&explain=true`)).text);
      const first = body.results[0];
      expect(first.id).toBe("2401.00001");
      expect(first.abstract).toContain(first.explain.sentence);
      expect(first.explain.sentence).toMatch(/log n/);
      const shares = first.explain.terms.map((t: { share: number }) => t.share);
      expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 3);
      expect(first.explain.terms.map((t: { words: string[] }) => t.words).flat()).toContain("sorting");
      for (const hit of body.results) {
        expect(typeof hit.relevance).toBe("number");
        expect(hit.explain.sentence.length).toBeGreaterThan(0);
      }
      // The same question without explain=true carries no explanations.
      const plain = JSON.parse((await fetchText(`/api/search?q=${encodeURIComponent(q)}&k=5`)).text);
      expect(plain.results[0].explain).toBeUndefined();
    });

    it("confident is false for nonsense and true for a question the index answers", async () => {
      const sure = JSON.parse((await fetchText(`/api/search?q=${encodeURIComponent("ways to reduce decode latency")}`)).text);
      const nonsense = JSON.parse((await fetchText(`/api/search?q=${encodeURIComponent("purple monkey dishwasher")}`)).text);
      expect(sure.confident).toBe(true);
      expect(nonsense.confident).toBe(false);
      // Min-max fusion still gives the nonsense's top hit a high score; its relevance is under the threshold.
      expect(nonsense.results[0].score).toBeGreaterThanOrEqual(0.5);
      expect(nonsense.results[0].relevance).toBeLessThan(nonsense.threshold);
      expect(nonsense.results[0].relevance).toBeLessThan(sure.results[0].relevance);
    });
  });
});
