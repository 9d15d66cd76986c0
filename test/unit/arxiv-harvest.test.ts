// The arXiv harvester against the local OAI-PMH server, on a few generated records (fast tier:
// no shared data). test/arxiv-listings.test.ts runs it over the real shared listings.
import { afterEach, describe, expect, it } from "vitest";
import { ArxivError, arxivPaper, bareArxivId, harvest, lookupArxiv, parseAtomFeed, retryAfterMs, type HarvestOptions, type HarvestPage } from "../../src/arxiv/index.js";
import { isPapersError } from "../../src/errors.js";
import { generateListings, startOaiServer, type Fault, type Listing, type OaiServer } from "../arxiv/oai-server.mjs";

const FAST = { delayMs: 0, backoffMs: 5, maxBackoffMs: 20 } satisfies HarvestOptions;
let server: OaiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(records: Listing[], options: { pageSize?: number; deleted?: string[]; faults?: Fault[] } = {}): Promise<OaiServer> {
  server = await startOaiServer({ records, pageSize: 5, ...options });
  return server;
}

async function collect(options: HarvestOptions): Promise<HarvestPage[]> {
  const pages: HarvestPage[] = [];
  for await (const page of harvest({ ...FAST, ...options })) pages.push(page);
  return pages;
}

/** Runs a harvest that must fail; returns the pages handed over before and the error. */
async function failing(options: HarvestOptions): Promise<{ pages: HarvestPage[]; error: ArxivError }> {
  const pages: HarvestPage[] = [];
  try {
    for await (const page of harvest({ ...FAST, ...options })) pages.push(page);
  } catch (error) {
    expect(error).toBeInstanceOf(ArxivError);
    return { pages, error: error as ArxivError };
  }
  throw new Error("the harvest did not fail");
}

const ids = (pages: HarvestPage[]) => pages.flatMap((p) => p.records.map((r) => r.id));

describe("OAI-PMH ListRecords harvest", () => {
  it("follows resumptionToken to the end, every record once, every field mapped", async () => {
    const listings = generateListings(23);
    const { endpoint } = await serve(listings);
    const pages = await collect({ endpoint });
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 5, 5, 3]);
    expect(ids(pages)).toEqual(listings.map((l) => l.id));
    expect(pages.at(-1)!.token).toBeNull();
    expect(pages[0]!.token).not.toBeNull();
    expect(pages.map((p) => p.cursor)).toEqual([0, 5, 10, 15, 20]);
    expect(pages[0]!.completeListSize).toBe(23);
    expect(pages.at(-1)!.datestamp).toBe(listings.at(-1)!.date);

    const first = pages[0]!.records[0]!;
    expect(first).toMatchObject({
      id: listings[0]!.id,
      datestamp: "2026-06-01",
      created: "2026-06-01",
      updated: "2026-06-01",
      title: "Paper 0 on $\\alpha$-stable things",
      abstract: "We study thing 0 with $x^2 < y$ & more. It works.",
      categories: ["cs.CL", "cs.LG"],
      sets: ["cs:cs:CL", "cs:cs:LG"],
      comments: "3 pages, 2 figures",
      journalRef: "J. Things 0 (2026)",
      doi: "10.1000/thing.0",
      license: "http://creativecommons.org/licenses/by/4.0/",
      mscClass: "68T50",
    });
    expect(first.authors[1]).toEqual({ name: "Grace Brewster Hopper Jr.", keyname: "Hopper", forenames: "Grace Brewster", suffix: "Jr." });
    expect(pages[0]!.records[1]!.updated).toBeNull();

    const paper = arxivPaper(first, { file: endpoint, line: 0 });
    expect(paper).toMatchObject({ id: first.id, arxivId: first.id, year: 2026, doi: "10.1000/thing.0", comments: ["3 pages, 2 figures"], categories: ["cs.CL", "cs.LG"] });
    expect(paper.authors).toEqual(["Ada 0 Lovelace", "Grace Brewster Hopper Jr.", "Alan Turing"]);
  });

  it("selects by set (hierarchical) and by from/until, both inclusive", async () => {
    const listings = generateListings(30);
    const { endpoint } = await serve(listings);
    expect(ids(await collect({ endpoint, set: "cs:cs:CL" }))).toEqual(listings.filter((l) => l.categories.includes("cs.CL")).map((l) => l.id));
    expect(ids(await collect({ endpoint, set: "eess" }))).toEqual(listings.filter((l) => l.categories.includes("eess.IV")).map((l) => l.id));
    const window = listings.filter((l) => l.date >= "2026-06-02" && l.date <= "2026-06-04").map((l) => l.id);
    expect(window).toHaveLength(15);
    expect(ids(await collect({ endpoint, from: "2026-06-02", until: "2026-06-04" }))).toEqual(window);
  });

  it("waits between requests as asked", async () => {
    const { endpoint, log } = await serve(generateListings(15));
    await collect({ endpoint, delayMs: 150 });
    expect(log).toHaveLength(3);
    for (let i = 1; i < log.length; i++) expect(log[i]!.at - log[i - 1]!.at).toBeGreaterThanOrEqual(150);
  });

  it("honours a 503's Retry-After before asking again", async () => {
    const listings = generateListings(12);
    const { endpoint, log } = await serve(listings, { faults: [{ on: 2, kind: "503", retryAfter: 1 }] });
    const pages = await collect({ endpoint });
    expect(ids(pages)).toEqual(listings.map((l) => l.id));
    expect(log.map((r) => r.kind)).toEqual(["ok", "503", "ok", "ok"]);
    expect(log[2]!.at - log[1]!.at).toBeGreaterThanOrEqual(1000);
    expect(log[2]!.url).toBe(log[1]!.url);
  });

  it("gives up on a server that keeps answering 503, with a coded error", async () => {
    const { endpoint, log } = await serve(generateListings(12), { faults: [{ on: () => true, kind: "503", retryAfter: 0 }] });
    const { error } = await failing({ endpoint, maxUnavailable: 2 });
    expect(error.code).toBe("ARXIV_UNREACHABLE");
    expect(log).toHaveLength(3);
  });

  it("restarts from the last datestamp after badResumptionToken, handing over each record once", async () => {
    const listings = generateListings(23, { perDay: 4 });
    const { endpoint, log } = await serve(listings, { faults: [{ on: 3, kind: "badResumptionToken" }] });
    const pages = await collect({ endpoint, from: "2026-06-01" });
    expect(ids(pages)).toEqual(listings.map((l) => l.id));
    // Two whole pages (10 records, up to 2026-06-03) were handed over: the list restarts from that day.
    expect(log[3]!.url).toContain("from=2026-06-03");
    expect(pages[2]!.restarted).toBe(true);
  });

  it("stops with ARXIV_REFUSED when every resumption token is refused", async () => {
    const { endpoint } = await serve(generateListings(23), { faults: [{ on: (_n, url) => url.includes("resumptionToken"), kind: "badResumptionToken" }] });
    const { pages, error } = await failing({ endpoint, maxRestarts: 2 });
    expect(error.code).toBe("ARXIV_REFUSED");
    expect(error.message).toContain("badResumptionToken");
    expect(ids(pages)).toHaveLength(5);
  });

  it("noRecordsMatch is nothing new, not an error", async () => {
    const { endpoint } = await serve(generateListings(10));
    expect(await collect({ endpoint, from: "2027-01-01" })).toEqual([]);
    expect(await collect({ endpoint, set: "math" })).toEqual([]);
  });

  it("reports deleted records apart from the records", async () => {
    const listings = generateListings(10);
    const gone = [listings[2]!.id, listings[7]!.id];
    const { endpoint } = await serve(listings, { deleted: gone });
    const pages = await collect({ endpoint });
    expect(pages.flatMap((p) => p.deleted)).toEqual([
      { id: gone[0], datestamp: listings[2]!.date },
      { id: gone[1], datestamp: listings[7]!.date },
    ]);
    expect(ids(pages)).toEqual(listings.map((l) => l.id).filter((id) => !gone.includes(id)));
  });

  it("retries a connection dropped mid-page, and hands the page over once, whole", async () => {
    const listings = generateListings(15);
    const { endpoint, log } = await serve(listings, { faults: [{ on: 2, kind: "drop" }] });
    expect(ids(await collect({ endpoint }))).toEqual(listings.map((l) => l.id));
    expect(log.map((r) => r.kind)).toEqual(["ok", "drop", "ok", "ok"]);
  });

  it("fails with ARXIV_UNREACHABLE naming the request and how far it got when the connection keeps dropping", async () => {
    const { endpoint, log } = await serve(generateListings(15), { faults: [{ on: (n) => n >= 2, kind: "drop" }] });
    const { pages, error } = await failing({ endpoint, retries: 2 });
    expect(pages).toHaveLength(1);
    expect(error.code).toBe("ARXIV_UNREACHABLE");
    expect(error.message).toContain("connection dropped mid-response");
    expect(error.message).toContain(pages[0]!.token!);
    expect(error.progress).toMatchObject({ request: expect.stringContaining("resumptionToken="), datestamp: pages[0]!.datestamp, records: 5, requests: 4 });
    expect(log).toHaveLength(4);
  });

  it("fails with ARXIV_BAD_RESPONSE on malformed XML, nothing of that page handed over", async () => {
    const { endpoint } = await serve(generateListings(15), { faults: [{ on: 2, kind: "malformed" }] });
    const { pages, error } = await failing({ endpoint });
    expect(pages).toHaveLength(1);
    expect(error.code).toBe("ARXIV_BAD_RESPONSE");
    expect(error.message).toMatch(/malformed XML from http:\/\/127\.0\.0\.1:\d+\/oai\?verb=ListRecords&resumptionToken=.* \(line \d+, column \d+/);
    expect(error.progress.records).toBe(5);
  });

  it("retries network errors a bounded number of times, with growing waits", async () => {
    const { endpoint, log } = await serve(generateListings(5), { faults: [{ on: () => true, kind: "reset" }] });
    const waits: number[] = [];
    const { error } = await failing({ endpoint, retries: 3, backoffMs: 20, maxBackoffMs: 50, onWait: (w) => waits.push(w.ms) });
    expect(error.code).toBe("ARXIV_UNREACHABLE");
    expect(error.message).toMatch(/failed 4 times/);
    expect(log).toHaveLength(4);
    expect(waits).toEqual([20, 40, 50]);
    expect(isPapersError(error)).toBe(true);
  });

  it("reads old-style ids and harvests by a physics archive set", async () => {
    const listings: Listing[] = [
      { id: "hep-th/9901001", title: "Old", authors: ["Edward Witten"], categories: ["hep-th", "math.AG"], summary: "An old abstract.", date: "2026-06-01" },
      ...generateListings(3),
    ];
    const { endpoint } = await serve(listings);
    const pages = await collect({ endpoint, set: "physics:hep-th" });
    expect(pages.flatMap((p) => p.records)).toMatchObject([{ id: "hep-th/9901001", sets: ["physics:hep-th", "math:math:AG"], categories: ["hep-th", "math.AG"] }]);
    expect(arxivPaper(pages[0]!.records[0]!, { file: endpoint, line: 0 })).toMatchObject({ id: "hep-th/9901001", arxivId: "hep-th/9901001", authors: ["Edward Witten"] });
  });

  it("refuses bad options before any request", async () => {
    await expect(collect({ endpoint: "http://127.0.0.1:9/oai", from: "June 1" })).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(collect({ endpoint: "http://127.0.0.1:9/oai", from: "2026-06-02", until: "2026-06-01" })).rejects.toMatchObject({ code: "BAD_OPTION" });
  });
});

describe("arXiv API (Atom) lookups", () => {
  it("finds papers by id, with or without a version, and names the missing ones", async () => {
    const listings = generateListings(6);
    const { api } = await serve(listings);
    const result = await lookupArxiv([`${listings[0]!.id}v1`, listings[4]!.id, "2601.99999"], { api, delayMs: 0, batch: 2 });
    expect(result.records.map((r) => r.id)).toEqual([listings[0]!.id, listings[4]!.id]);
    expect(result.missing).toEqual(["2601.99999"]);
    expect(result.requests).toBe(2);
    expect(result.records[0]).toMatchObject({
      version: 2,
      created: listings[0]!.date,
      title: "Paper 0 on $\\alpha$-stable things",
      categories: ["cs.CL", "cs.LG"],
      doi: "10.1000/thing.0",
      comments: "3 pages, 2 figures",
      journalRef: "J. Things 0 (2026)",
    });
    expect(result.records[0]!.authors.map((a) => a.name)).toEqual(listings[0]!.authors);
  });

  it("a malformed API answer is ARXIV_BAD_RESPONSE naming the request", async () => {
    const listings = generateListings(2);
    const { api } = await serve(listings, { faults: [{ on: 1, kind: "malformed" }] });
    const error = await lookupArxiv([listings[0]!.id], { api, delayMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArxivError);
    expect(error).toMatchObject({ code: "ARXIV_BAD_RESPONSE", message: expect.stringContaining(`malformed XML from ${api}?id_list=`) });
  });

  it("waits out the API's 429 (rate exceeded) for its Retry-After", async () => {
    const listings = generateListings(2);
    const { api, log } = await serve(listings, { faults: [{ on: 1, kind: "429", retryAfter: 1 }] });
    const result = await lookupArxiv([listings[1]!.id], { api, delayMs: 0 });
    expect(result.records.map((r) => r.id)).toEqual([listings[1]!.id]);
    expect(log.map((r) => r.kind)).toEqual(["429", "ok"]);
    expect(log[1]!.at - log[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("refuses a malformed id, reads an API error entry as ARXIV_REFUSED", async () => {
    await expect(lookupArxiv(["not-an-id"], { api: "http://127.0.0.1:9/api/query" })).rejects.toMatchObject({ code: "BAD_OPTION" });
    const { api } = await serve(generateListings(1));
    const text = await (await fetch(`${api}?id_list=1234`)).text();
    expect(() => parseAtomFeed(text, "the request")).toThrow(expect.objectContaining({ code: "ARXIV_REFUSED" }));
    const empty = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors</id><title/></entry></feed>';
    expect(parseAtomFeed(empty, "the request")).toEqual([]);
  });
});

describe("arXiv ids and Retry-After", () => {
  it("strips versions and OAI prefixes, old and new style", () => {
    expect(bareArxivId("oai:arXiv.org:hep-th/9901001")).toBe("hep-th/9901001");
    expect(bareArxivId("2404.09336v3")).toBe("2404.09336");
    expect(bareArxivId("http://arxiv.org/abs/math.AG/0501001v2")).toBe("math.AG/0501001");
    expect(bareArxivId("nonsense")).toBeNull();
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(5000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});
