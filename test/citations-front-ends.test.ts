/**
 * Following citations through every front end, over one small library indexed with the real model
 * (the CLI opens it as a user would): `papers refs` (text, --json, --format bibtex), `papers
 * cited-by`, `related --by`; GET /api/papers/:id/refs and /cited-by; the MCP tools refs and cited_by.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { indexPaperList, openIndex, type Paper, type Reference } from "../src/papers.js";
import { createMcpServer } from "../src/mcp/server.js";
import { startServer } from "../src/server/serve.js";
import { modelsDir, runCli, tempDir } from "./helpers.js";

const ref = (fields: Partial<Reference>): Reference => ({ raw: `${fields.authors?.join(", ") ?? ""}. ${fields.title ?? ""}. ${fields.year ?? ""}.`, label: null, authors: [], title: null, year: null, venue: null, doi: null, arxivId: null, url: null, ...fields });
const paper = (id: string, title: string, year: number, fields: Partial<Paper> = {}): Paper => ({
  id, title, abstract: `${title}. We study ${title.toLowerCase()} in depth.`, arxivId: id, doi: null, journalRef: null, comments: [], authors: ["Ada Lovelace"], categories: ["cs.CL"], year, date: null, sources: [{ file: "papers.jsonl", line: 1 }], ...fields,
});

const LIBRARY: Paper[] = [
  paper("1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", 2019, {
    references: [
      ref({ title: "Attention is all you need", year: 2017, authors: ["Ashish Vaswani", "Noam Shazeer"], venue: "Advances in Neural Information Processing Systems" }),
      ref({ title: "Deep contextualized word representations", year: 2018, authors: ["Matthew E. Peters"] }),
      ref({ title: "Distributed representations of words and phrases and their compositionality", year: 2013, authors: ["Tomas Mikolov"], doi: "10.5555/2999792.2999959" }),
    ],
  }),
  paper("1706.03762", "Attention Is All You Need", 2017),
  paper("1802.05365", "Deep Contextualized Word Representations", 2018, {
    references: [ref({ title: "Distributed Representations of Words and Phrases and their Compositionality", year: 2013, authors: ["Tomas Mikolov"] })],
  }),
  paper("1301.3781", "Efficient Estimation of Word Representations in Vector Space", 2013),
];

describe("following citations through the CLI, HTTP and MCP", () => {
  const indexDir = join(tempDir(), "index");
  beforeAll(async () => {
    process.env.PAPERS_MODELS = modelsDir();
    process.env.PAPERS_OFFLINE = "1";
    await indexPaperList(LIBRARY, ["papers.jsonl"], { indexDir });
  }, 120_000);

  it("papers refs, cited-by and related --by print the links", () => {
    const refs = runCli(["--index", indexDir, "refs", "1810.04805"]);
    expect(refs.status).toBe(0);
    expect(refs.stdout).toContain("3 references, 2 in your library");
    expect(refs.stdout).toMatch(/ 1\. \[1706\.03762\] Attention Is All You Need/);
    expect(refs.stdout).toMatch(/ 3\. Distributed representations of words .* \(2013\)  doi:10\.5555\/2999792\.2999959/);

    const bibtex = runCli(["--index", indexDir, "refs", "1810.04805", "--format", "bibtex"]);
    expect(bibtex.stdout).toMatch(/@misc\{lovelace2017attention,[\s\S]*eprint = \{1706\.03762\}/);
    expect(bibtex.stdout).toMatch(/@misc\{mikolov2013distributed,[\s\S]*doi = \{10\.5555\/2999792\.2999959\}/);

    const json = JSON.parse(runCli(["--index", indexDir, "refs", "1810.04805", "--json"]).stdout);
    expect(json.references.map((r: { paper: { id: string } | null; key: string | null }) => r.paper?.id ?? r.key)).toEqual(["1706.03762", "1802.05365", "doi:10.5555/2999792.2999959"]);

    const citedBy = JSON.parse(runCli(["--index", indexDir, "cited-by", "1706.03762", "--json"]).stdout);
    expect(citedBy.citedBy.map((p: Paper) => p.id)).toEqual(["1810.04805"]);
    const none = runCli(["--index", indexDir, "refs", "1301.3781"]);
    expect([none.status, none.stdout]).toEqual([0, expect.stringContaining("None: no reference list was read")]);
    const unknown = runCli(["--index", indexDir, "cited-by", "no-such-paper"]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/no paper with id "no-such-paper"/);

    const related = runCli(["--index", indexDir, "related", "1810.04805", "--by", "citations", "--json"]);
    const hits = JSON.parse(related.stdout) as { id: string; citations: { text: string } }[];
    expect(hits.find((h) => h.id === "1802.05365")!.citations.text).toMatch(/both cite "Distributed representations/);
    const text = runCli(["--index", indexDir, "related", "--text", "word vectors", "--by", "citations"]);
    expect(text.stderr).toMatch(/needs a paper id/);
  });

  it("GET /api/papers/:id/refs and /cited-by, and the MCP tools refs and cited_by", async () => {
    const server = await startServer({ indexDir }, { port: 0, host: "127.0.0.1" }, { log: () => {}, warn: () => {} });
    try {
      const refs = (await (await fetch(`${server.url}api/papers/1810.04805/refs`)).json()) as { references: { paper: { id: string; sources?: unknown } | null }[] };
      expect(refs.references.map((r) => r.paper?.id ?? null)).toEqual(["1706.03762", "1802.05365", null]);
      // Over the network a paper's files stay the server's business.
      expect(refs.references[0]!.paper!.sources).toBeUndefined();
      const bib = await fetch(`${server.url}api/papers/1810.04805/refs?format=bibtex`);
      expect(await bib.text()).toContain("@misc{mikolov2013distributed");
      const citedBy = (await (await fetch(`${server.url}api/papers/1706.03762/cited-by`)).json()) as { citedBy: { id: string }[] };
      expect(citedBy.citedBy.map((p) => p.id)).toEqual(["1810.04805"]);
      expect((await fetch(`${server.url}api/papers/nope/cited-by`)).status).toBe(404);
      const related = (await (await fetch(`${server.url}api/papers/1810.04805/related?by=both&k=3`)).json()) as { by: string; results: { id: string; citations?: { citedBy: boolean } }[] };
      expect(related.by).toBe("both");
      expect(related.results.find((r) => r.id === "1706.03762")!.citations).toMatchObject({ citedBy: false, cites: true });
    } finally {
      await server.close();
    }

    const index = await openIndex({ indexDir });
    try {
      const mcp = createMcpServer(index);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: "test", version: "1" });
      await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);
      const refs = (await client.callTool({ name: "refs", arguments: { id: "1810.04805" } })) as unknown as { structuredContent: { references: { paper: { id: string } | null; key: string | null }[] } };
      expect(refs.structuredContent.references.map((r) => r.paper?.id ?? r.key)).toEqual(["1706.03762", "1802.05365", "doi:10.5555/2999792.2999959"]);
      const citedBy = (await client.callTool({ name: "cited_by", arguments: { id: "1802.05365" } })) as unknown as { structuredContent: { total: number; citedBy: { id: string }[] } };
      expect(citedBy.structuredContent).toMatchObject({ total: 1, citedBy: [{ id: "1810.04805" }] });
      const empty = (await client.callTool({ name: "cited_by", arguments: { id: "1301.3781" } })) as unknown as { structuredContent: { reason: string } };
      expect(empty.structuredContent.reason).toBe("no reference list in the library names this paper");
      await client.close();
    } finally {
      await index.close();
    }
  });
});
