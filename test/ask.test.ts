/**
 * `ask` with the real model (issue 26): evidence from PDF passages carries its page and section on
 * both stores; on the seeds, the sentence that answers "ways to reduce decode latency" outranks
 * the CQIL abstract's background sentence that `search --explain` picks; a question nothing in the
 * index answers is not confident.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_CONFIDENT } from "../src/export/answer.js";
import { formatAnswer, indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { modelsDir, SEEDS, tempDir } from "./helpers.js";
import { factories } from "./store-factories.js";

const FIXTURES = new URL("fixtures/", import.meta.url).pathname;

describe.each(factories)("ask over PDFs ($name store)", (factory) => {
  let index: PaperIndex;

  beforeAll(async () => {
    const folder = join(tempDir(), "library");
    mkdirSync(folder);
    for (const name of ["glacier-onecol.pdf", "flow-twocol.pdf"]) copyFileSync(join(FIXTURES, "pdf", name), join(folder, name));
    const { options } = factory.fresh();
    const settings = { ...options, modelsDir: modelsDir(), offline: true };
    await indexPapers([folder], settings);
    index = await openIndex(settings);
  }, 180_000);
  afterAll(() => index?.close());

  it("answers from a passage of the body, with its page and section", async () => {
    // Said only in the glacier paper's body (page 3), not in its abstract.
    const answer = await index.ask({ question: "What median drift per day did the receivers record at the Skaftafell station?", k: 2 });
    const fromBody = answer.evidence.filter((e) => e.page !== null);
    expect(fromBody.length, JSON.stringify(answer.evidence.map((e) => [e.text, e.page]))).toBeGreaterThan(0);
    const best = answer.evidence[0]!;
    expect(best.paper.title).toBe("Measuring Glacier Surface Drift with Low-Cost GNSS Receivers");
    expect(best.page).toBe(3);
    expect(best.section).not.toBeNull();
    expect(best.text).toMatch(/Skaftafell|median/i);
    expect(answer.references[0]!.id).toBe(best.paper.id);
    expect(formatAnswer(answer, "markdown")).toContain(`p. 3, §`);
  });
});

describe("ask on the seeds", () => {
  let index: PaperIndex;

  beforeAll(async () => {
    const settings = { indexDir: join(tempDir(), "index"), modelsDir: modelsDir(), offline: true };
    await indexPapers([SEEDS], settings);
    index = await openIndex(settings);
  }, 180_000);
  afterAll(() => index?.close());

  it("ranks CQIL's answering sentence above its layer-removing background sentence", async () => {
    const answer = await index.ask({ question: "ways to reduce decode latency", budget: 10_000 });
    const rank = (pattern: RegExp) => answer.evidence.findIndex((e) => pattern.test(e.text));
    const answering = rank(/identify quasi-independent layers, which can be concurrently computed/);
    const background = rank(/reducing the cumulative latency through layer removing/);
    expect(answering, answer.evidence.map((e) => e.text).join("\n")).toBeGreaterThanOrEqual(0);
    expect(background === -1 || answering < background, answer.evidence.map((e) => e.text).join("\n")).toBe(true);
    expect(answer.confident).toBe(true);
    // What search --explain picks as CQIL's best sentence (closest by cosine alone) is the background one.
    const cqil = await index.get(answer.evidence[answering]!.paper.id);
    const [explained] = await index.explain("ways to reduce decode latency", [cqil]);
    expect(explained!.sentence).toMatch(/layer removing/);
  });

  it("is not confident when nothing in the index answers, and says so", async () => {
    const answer = await index.ask({ question: "best sourdough hydration for a rye starter in winter" });
    expect(answer.confident).toBe(false);
    expect(formatAnswer(answer, "markdown")).toContain(NOT_CONFIDENT);
  });

  it("keeps the whole answer within its budget, never cutting a sentence", async () => {
    const small = await index.ask({ question: "ways to reduce decode latency", budget: 120 });
    const large = await index.ask({ question: "ways to reduce decode latency", budget: 1000 });
    expect(small.evidence.length).toBeGreaterThan(0);
    expect(small.evidence.length).toBeLessThan(large.evidence.length);
    expect(small.evidence.map((e) => e.text)).toEqual(large.evidence.slice(0, small.evidence.length).map((e) => e.text));
    for (const e of large.evidence) expect(e.text).toMatch(/[.!?)"\d]$/);
  });
});
