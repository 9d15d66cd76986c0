// The arXiv harvester over real records: the shared arXiv cs listings, served by the local
// OAI-PMH server in arXiv's format (integration tier: needs ../shared/data).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collapseWhitespace } from "../src/corpus/paper.js";
import { arxivPaper, harvest, type ArxivRecord, type HarvestOptions } from "../src/arxiv/index.js";
import { LISTINGS, loadListings, startOaiServer, xmlEscape, type Listing, type OaiServer } from "./arxiv/oai-server.mjs";

const FROM = "2026-06-01";
const UNTIL = "2026-07-01";
let listings: Listing[] = [];
let server: OaiServer;

beforeAll(async () => {
  expect(LISTINGS, "../shared/data/arxiv-cs-listings/papers.jsonl.gz is missing: see /work/shared/data/README.md").not.toBeNull();
  listings = await loadListings(LISTINGS!, { from: FROM, until: UNTIL });
  server = await startOaiServer({ records: listings, pageSize: 250 });
});
afterAll(() => server?.close());

async function harvestAll(options: HarvestOptions): Promise<ArxivRecord[]> {
  const records: ArxivRecord[] = [];
  for await (const page of harvest({ endpoint: server.endpoint, delayMs: 0, backoffMs: 5, ...options })) records.push(...page.records);
  return records;
}

/** The text as the server can send it in XML, whitespace collapsed. */
const served = (text: string) => collapseWhitespace(decodeXml(xmlEscape(text)));
const decodeXml = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

describe("harvesting the shared arXiv cs listings", () => {
  it("hands over every record of a month once, abstracts, titles and authors intact, through a 503, a refused token and a dropped connection", async () => {
    expect(listings.length).toBeGreaterThan(3000);
    server.faults.push({ on: 3, kind: "503", retryAfter: 1 }, { on: 6, kind: "badResumptionToken" }, { on: 9, kind: "drop" });
    const started = server.log.length;
    const records = await harvestAll({ set: "cs", from: FROM, until: UNTIL });
    server.faults.length = 0;
    expect(server.log.slice(started).map((r) => r.kind)).toEqual(expect.arrayContaining(["503", "badResumptionToken", "drop"]));

    const byId = new Map(records.map((r) => [r.id, r]));
    expect(records).toHaveLength(listings.length);
    expect(byId.size).toBe(listings.length);
    for (const listing of listings) {
      const record = byId.get(listing.id);
      expect(record, listing.id).toBeDefined();
      expect(record!.abstract).toBe(served(listing.summary));
      expect(record!.title).toBe(served(listing.title));
      expect(record!.authors.map((a) => a.name)).toEqual(listing.authors.map(served));
      expect(record!.categories[0]).toBe(listing.categories[0]);
      expect(record!.datestamp).toBe(listing.date);
    }
    const paper = arxivPaper(records[0]!, { file: server.endpoint, line: 0 });
    expect(paper.abstract.length).toBeGreaterThan(100);
    expect(paper.year).toBe(2026);
  });

  it("a category set gives exactly the papers carrying that category", async () => {
    const records = await harvestAll({ set: "cs:cs:CL", from: "2026-06-29", until: UNTIL });
    const expected = listings.filter((l) => l.date >= "2026-06-29" && l.categories.includes("cs.CL")).map((l) => l.id);
    expect(expected.length).toBeGreaterThan(100);
    expect(records.map((r) => r.id).sort()).toEqual(expected.sort());
  });
});
