/**
 * `--grobid URL` against a GROBID stand-in this test starts: /api/isalive and
 * /api/processReferences answering TEI written after GROBID's own (fixtures/references/grobid/).
 * GROBID's references replace the built-in reader's; a server that is down stops the run with
 * GROBID_UNAVAILABLE; a PDF it fails on (an error status, garbled TEI) keeps the built-in
 * reader's references with a note; a busy server (503) is asked again. And a `.bbl` beside a PDF
 * gives its references exactly.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "../src/corpus/read-corpus.js";
import { grobidReferences } from "../src/corpus/references/grobid.js";
import { PapersError } from "../src/errors.js";
import { runCli, tempDir } from "./helpers.js";

const FIXTURES = new URL("fixtures/references/", import.meta.url).pathname;
const TEI = readFileSync(join(FIXTURES, "grobid", "processReferences.tei.xml"), "utf8");
const PDF = join(FIXTURES, "plain.pdf");

/** What the stand-in answers next to /api/processReferences, and what it was sent. */
let answers: { status: number; body: string }[] = [];
const received: { contentType: string; body: Buffer }[] = [];
let server: Server;
let url: string;

function bodyOf(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    if (request.method === "GET" && request.url === "/api/isalive") {
      response.end("true");
      return;
    }
    if (request.method === "POST" && request.url === "/api/processReferences") {
      received.push({ contentType: request.headers["content-type"] ?? "", body: await bodyOf(request) });
      const answer = answers.shift() ?? { status: 200, body: TEI };
      response.writeHead(answer.status, { "content-type": "application/xml" });
      response.end(answer.body);
      return;
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("reading references with a GROBID server", () => {
  it("sends the PDF as GROBID's multipart 'input' and takes its references instead of the built-in reader's", async () => {
    answers = [];
    received.length = 0;
    const corpus = await readCorpus([PDF], { grobid: url });
    expect(corpus.papers[0]!.references!.map((r) => [r.label, r.title, r.year])).toEqual([
      ["1", "Friends and neighbors on the web", 2003],
      ["17", "Adam: A method for stochastic optimization", 2014],
      ["23", "Introduction to Information Retrieval", 2008],
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const sent = received[0]!.body.toString("latin1");
    expect(sent).toMatch(/name="input"; filename="plain\.pdf"/);
    expect(sent).toContain("%PDF-");
    expect(sent).toMatch(/name="includeRawCitations"\r\n\r\n1\r\n/);
    expect(corpus.skipped).toEqual([]);
  });

  it("keeps the built-in reader's references, with a note, for a PDF the server fails on or answers garbled TEI for", async () => {
    for (const answer of [
      { status: 500, body: "[GENERAL] An exception occurred while running Grobid." },
      { status: 200, body: TEI.slice(0, 900) },
    ]) {
      answers = [answer];
      const corpus = await readCorpus([PDF], { grobid: url });
      expect(corpus.papers[0]!.references).toHaveLength(35);
      expect(corpus.skipped).toHaveLength(1);
      expect(corpus.skipped[0]).toMatchObject({ file: PDF, kind: "note" });
      expect(corpus.skipped[0]!.reason).toMatch(/GROBID read no references \(.*(HTTP 500|not GROBID's TEI).*\): they are the built-in reader's/);
    }
  });

  it("asks a busy server (503) again after a wait", async () => {
    answers = [{ status: 503, body: "" }, { status: 503, body: "" }];
    received.length = 0;
    const references = await grobidReferences(url, new Uint8Array(readFileSync(PDF)), "plain.pdf", { busyWaitsMs: [10, 10, 10] });
    expect(references).toHaveLength(3);
    expect(received).toHaveLength(3);
  });

  it("stops before reading anything when no server answers, with GROBID_UNAVAILABLE and what to do", async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const error = await readCorpus([PDF], { grobid: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PapersError);
    expect(error).toMatchObject({ code: "GROBID_UNAVAILABLE" });
    expect((error as Error).message).toMatch(/no GROBID server answers at http:\/\/127\.0\.0\.1:\d+ .*index without --grobid/);
  });

  it("papers index --grobid with a URL that is not one is a BAD_OPTION, and nothing is indexed", () => {
    const index = join(tempDir(), "index");
    const result = runCli(["--index", index, "index", PDF, "--grobid", "localhost:8070"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/--grobid wants an http or https URL/);
  });
});

describe("a .bbl beside a PDF", () => {
  it("gives the PDF's references exactly, as BibTeX wrote them", async () => {
    const folder = tempDir("papers-bbl-");
    copyFileSync(join(FIXTURES, "plainnat-twocol.pdf"), join(folder, "paper.pdf"));
    copyFileSync(join(FIXTURES, "bbl", "plainnat-twocol.bbl"), join(folder, "paper.bbl"));
    const corpus = await readCorpus([folder]);
    const references = corpus.papers[0]!.references!;
    expect(references).toHaveLength(35);
    // The .bbl's own text (LaTeX resolved), not the PDF's lines.
    expect(references[0]).toMatchObject({ label: null, authors: ["Lada A. Adamic", "Eytan Adar"], title: "Friends and neighbors on the web", year: 2003, doi: "10.1016/s0378-8733(03)00009-1" });
    expect(corpus.skipped.map((s) => [s.kind, s.reason])).toEqual([["file", expect.stringMatching(/a LaTeX bibliography \(\.bbl\)/)]]);
  });
});
