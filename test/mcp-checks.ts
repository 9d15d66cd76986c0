/**
 * What every MCP transport must do, checked with the SDK's own client against a real papers
 * process, and compared with what the CLI's --json prints for the same question.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { expect } from "vitest";
import { CLI, SEEDS, REPO, modelsDir, runCli } from "./helpers.js";

/** Seeds (no metadata) plus four arXiv records with authors, categories and dates, for the filters. */
export const CORPUS = [SEEDS, join(REPO, "test", "fixtures", "formats", "arxiv-cs-sample.jsonl")];
export const QUESTION = "ways to reduce decode latency";

type Json = any;

export function buildIndex(indexDir: string): void {
  const built = runCli(["--index", indexDir, "index", ...CORPUS]);
  expect(built.status, built.stderr).toBe(0);
}

/**
 * `papers --index DIR ...args --json`, parsed. Run asynchronously: a test blocked in spawnSync
 * for seconds would hold on to kept-alive sockets the server has meanwhile closed.
 */
export async function cliJson(indexDir: string, args: string[]): Promise<Json> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, "--index", indexDir, ...args, "--json"], {
    env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** Calls a tool and checks the shape every answer has: structured content, and the same JSON as text. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Json> {
  const result = (await client.callTool({ name, arguments: args })) as Json;
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  expect(result.content).toHaveLength(1);
  expect(result.content[0].type).toBe("text");
  expect(JSON.parse(result.content[0].text)).toEqual(result.structuredContent);
  return result.structuredContent;
}

/** Calls a tool that must fail, and returns the papers error code it came back with. */
export async function callError(client: Client, name: string, args: Record<string, unknown>): Promise<{ code: string; text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as Json;
  expect(result.isError, JSON.stringify(result)).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const text = result.content[0].text as string;
  expect(text).not.toMatch(/\bat .*\.(js|ts):\d+|node_modules/);
  return { code: /^([A-Z_]+): /.exec(text)?.[1] ?? "", text };
}

/** Hits as the tools give them must be the CLI's: same papers, same order, same scores (4 places). */
function expectSameHits(tool: Json[], cli: Json[]): void {
  expect(tool.map((h) => h.id)).toEqual(cli.map((h) => h.id));
  expect(tool.map((h) => h.score)).toEqual(cli.map((h) => h.score));
  tool.forEach((hit, i) => {
    const paper = cli[i];
    expect(hit.title).toBe(paper.title);
    expect(hit.authors).toEqual(paper.authors);
    expect(hit.year).toBe(paper.year);
    expect(hit.date).toBe(paper.date);
    expect(hit.arxivUrl).toBe(paper.arxivId ? `https://arxiv.org/abs/${paper.arxivId}` : null);
    expect(hit.doiUrl).toBe(paper.doi ? `https://doi.org/${paper.doi}` : null);
    expect(hit.uri).toBe(`papers://paper/${encodeURIComponent(paper.id)}`);
    // A snippet is a piece of the abstract, about 300 characters, "…" marking what was left out.
    expect(hit.snippet.length).toBeGreaterThan(0);
    expect(hit.snippet.length).toBeLessThanOrEqual(302);
    for (const piece of hit.snippet.split("…").filter(Boolean)) expect(paper.abstract).toContain(piece);
  });
}

export async function checkToolList(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(["evidence", "search", "related", "recommend", "feed", "export", "refs", "cited_by", "show", "list", "info"]);
  for (const tool of tools) {
    expect(tool.description!.length, tool.name).toBeGreaterThan(100);
    // export answers with the document's text, not structured content.
    if (tool.name !== "export") expect(tool.outputSchema?.type, tool.name).toBe("object");
    expect(tool.annotations?.readOnlyHint).toBe(true);
  }
  const search = tools.find((t) => t.name === "search")!.inputSchema as Json;
  expect(Object.keys(search.properties)).toEqual(["question", "k", "mode", "year", "since", "until", "category", "author", "tag", "collection"]);
  expect(search.required).toEqual(["question"]);
  expect(search.properties.k).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 10 });
  expect(search.properties.mode.enum).toEqual(["dense", "lexical", "hybrid"]);
  expect(search.additionalProperties).toBe(false);
}

/**
 * search, related, show, list and info, each against the CLI's --json. `local`: the transport is
 * stdio, whose answers name files (the index's path, papers' sources); over the network they do not.
 */
export async function checkToolsMatchCli(client: Client, indexDir: string, local: boolean): Promise<void> {
  for (const mode of ["hybrid", "dense", "lexical"]) {
    const answer = await call(client, "search", { question: QUESTION, k: 5, mode });
    expect(answer.question).toBe(QUESTION);
    expect(answer.mode).toBe(mode);
    const cli = await cliJson(indexDir, ["search", QUESTION, "-k", "5", "--mode", mode]);
    expectSameHits(answer.results, cli);
    // The calibrated relevance is the CLI's, and confident says whether the best reaches the threshold.
    expect(answer.results.map((h: Json) => h.relevance)).toEqual(cli.map((h: Json) => h.relevance));
    expect(answer.confident).toBe(Math.max(...cli.map((h: Json) => h.relevance)) >= answer.threshold);
  }
  // Default k and mode: the CLI's defaults.
  expectSameHits((await call(client, "search", { question: QUESTION })).results, await cliJson(indexDir, ["search", QUESTION]));

  const filtered = await call(client, "search", { question: "language model robustness", category: "cs.CL", year: "2025", author: "a" });
  const cliFiltered = await cliJson(indexDir, ["search", "language model robustness", "--category", "cs.CL", "--year", "2025", "--author", "a"]);
  expect(filtered.results.length).toBeGreaterThan(0);
  expect(filtered.results.every((h: Json) => h.categories.includes("cs.CL") && h.year === 2025)).toBe(true);
  expectSameHits(filtered.results, cliFiltered);
  // Days (the arxiv-cs sample is of 2025-03-24; the seeds have none, and are left out).
  const dated = await call(client, "search", { question: "language model robustness", k: 20, since: "2025-03-24", until: "2025-03" });
  const cliDated = await cliJson(indexDir, ["search", "language model robustness", "-k", "20", "--since", "2025-03-24", "--until", "2025-03"]);
  expect(dated.results.length).toBeGreaterThan(0);
  expect(dated.results.every((h: Json) => h.date === "2025-03-24")).toBe(true);
  expectSameHits(dated.results, cliDated);
  expect((await call(client, "search", { question: "language model robustness", since: "2025-03-25" })).results).toEqual([]);

  const first = (await call(client, "search", { question: QUESTION, k: 1 })).results[0];
  const related = await call(client, "related", { id: first.id, k: 4 });
  expect(related.paper.id).toBe(first.id);
  // The library's related mode, as the CLI defaults to it (dense, chosen by measurement).
  expect(related.mode).toBe("dense");
  expectSameHits(related.results, await cliJson(indexDir, ["related", first.id, "-k", "4"]));

  // Related to a text: the library's relatedToText, as `papers related --text` gives it.
  const text = "We speed up autoregressive generation by drafting several tokens and verifying them in parallel.";
  const byText = await call(client, "related", { text, k: 4 });
  expect(byText.paper).toBeNull();
  expect(byText.mode).toBe("dense");
  expectSameHits(byText.results, await cliJson(indexDir, ["related", "--text", text, "-k", "4"]));

  const shown = await call(client, "show", { id: first.id });
  const cliShown = await cliJson(indexDir, ["show", first.id]);
  for (const field of ["id", "title", "abstract", "arxivId", "doi", "journalRef", "comments", "authors", "categories", "year", "date", "sources"]) {
    expect(shown[field], field).toEqual(field === "sources" && !local ? undefined : cliShown[field]);
  }

  // Pages, put together, are the whole list in the CLI's order.
  const all = (await cliJson(indexDir, ["list"])) as Json[];
  const ids: string[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page: Json = await call(client, "list", { offset, limit: 8 });
    expect(page.total).toBe(all.length);
    ids.push(...page.papers.map((p: Json) => p.id));
    offset = page.nextOffset;
  }
  expect(ids).toEqual(all.map((p) => p.id));
  expect((await call(client, "list", {})).papers).toHaveLength(20);

  const info = await call(client, "info", {});
  const cliInfo = await cliJson(indexDir, ["info"]);
  const { indexPath, ...cliRest } = cliInfo;
  expect({ ...info, sizeBytes: 0 }).toEqual({ ...cliRest, ...(local ? { indexPath } : {}), sizeBytes: 0 });
}

/** Bad arguments come back as tool errors with a papers code, and the server goes on answering. */
export async function checkBadArguments(client: Client): Promise<void> {
  expect((await callError(client, "show", { id: "no-such-paper" })).code).toBe("UNKNOWN_ID");
  expect((await callError(client, "related", { id: "no-such-paper" })).code).toBe("UNKNOWN_ID");
  expect((await callError(client, "search", { question: QUESTION, k: 0 })).code).toBe("BAD_OPTION");
  expect((await callError(client, "search", { question: QUESTION, k: 101 })).code).toBe("BAD_OPTION");
  expect((await callError(client, "search", { question: "" })).code).toBe("EMPTY_QUERY");
  expect((await callError(client, "search", { question: "   " })).code).toBe("EMPTY_QUERY");
  expect((await callError(client, "search", { question: "x".repeat(1001) })).code).toBe("BAD_OPTION");
  expect((await callError(client, "search", { question: QUESTION, year: "last year" })).code).toBe("BAD_OPTION");
  expect((await callError(client, "search", { question: QUESTION, since: "2025-02-30" })).code).toBe("BAD_OPTION");
  expect((await callError(client, "search", { question: QUESTION, since: "2025-04", until: "2025-03" })).code).toBe("BAD_OPTION");
  expect((await callError(client, "related", {})).code).toBe("BAD_OPTION");
  expect((await callError(client, "related", { id: "x", text: "y" })).code).toBe("BAD_OPTION");
  expect((await callError(client, "related", { text: "" })).code).toBe("EMPTY_QUERY");
  expect((await callError(client, "list", { limit: 0 })).code).toBe("BAD_OPTION");
  expect((await callError(client, "list", { offset: -1 })).code).toBe("BAD_OPTION");
  // Wrong types and unknown arguments are refused by the SDK's schema check, also as tool errors.
  expect((await callError(client, "search", { question: QUESTION, k: "ten" })).text).toMatch(/Input validation error.*k/);
  expect((await callError(client, "search", { question: QUESTION, mode: "fuzzy" })).text).toMatch(/Input validation error.*mode/);
  expect((await callError(client, "search", { question: QUESTION, limit: 3 })).text).toMatch(/Input validation error.*limit/);
  expect((await callError(client, "search", {})).text).toMatch(/Input validation error.*question/);
  // So is an unknown tool.
  expect((await callError(client, "delete", {})).text).toMatch(/Tool delete not found/);
  // Still answering.
  expect((await call(client, "search", { question: QUESTION, k: 2 })).results).toHaveLength(2);
}

/** papers://paper/{id}: the paper as text, with its metadata. */
export async function checkResource(client: Client): Promise<void> {
  const { resourceTemplates } = await client.listResourceTemplates();
  expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["papers://paper/{id}"]);
  const hit = (await call(client, "search", { question: "language model robustness", category: "cs.CL", k: 1 })).results[0];
  const shown = await call(client, "show", { id: hit.id });
  const { contents } = await client.readResource({ uri: hit.uri });
  expect(contents).toHaveLength(1);
  const text = (contents[0] as Json).text as string;
  expect(contents[0]!.uri).toBe(hit.uri);
  expect(text.split("\n")[0]).toBe(`# ${shown.title}`);
  expect(text).toContain(`id: ${shown.id}`);
  expect(text).toContain(`authors: ${shown.authors.join(", ")}`);
  expect(text).toContain(`arXiv: ${shown.arxivId} https://arxiv.org/abs/${shown.arxivId}`);
  expect(text).toContain(shown.abstract);
  await expect(client.readResource({ uri: "papers://paper/no-such-paper" })).rejects.toMatchObject({
    code: -32002,
    data: { code: "UNKNOWN_ID" },
  });
}

/** `papers --index DIR ...args` and its stdout, for the export formats (not JSON). */
export async function cliText(indexDir: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, "--index", indexDir, ...args], {
    env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** The export tool's answer: one text item, the document. */
async function exported(client: Client, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name: "export", arguments: args })) as Json;
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  expect(result.content).toHaveLength(1);
  expect(result.content[0].type).toBe("text");
  return result.content[0].text;
}

/** Two papers to like (the question's best) and one to unlike (from another field). */
async function seedPapers(client: Client): Promise<{ likes: string[]; unlike: string }> {
  const found = (await call(client, "search", { question: QUESTION, k: 3 })).results;
  const unlike = (await call(client, "search", { question: "language model robustness", category: "cs.CL", k: 1 })).results[0].id;
  return { likes: [found[0].id, found[1].id], unlike };
}

/** recommend as `papers recommend --json` gives it: with an unlike (classifier), likes alone and a text (centroid). */
export async function checkRecommendMatchesCli(client: Client, indexDir: string): Promise<void> {
  const { likes, unlike } = await seedPapers(client);
  const draft = "We speed up autoregressive generation by drafting tokens and verifying them in parallel.";
  const cases: [Record<string, unknown>, string[]][] = [
    [{ like: likes, unlike: [unlike], k: 6 }, ["--like", ...likes, "--unlike", unlike, "-k", "6"]],
    [{ like: [likes[0]], k: 5 }, ["--like", likes[0]!, "-k", "5"]],
    [{ text: draft, k: 4 }, ["--text", draft, "-k", "4"]],
  ];
  const methods = new Set<string>();
  for (const [args, flags] of cases) {
    const tool = await call(client, "recommend", args);
    const cli = await cliJson(indexDir, ["recommend", ...flags]);
    expect(tool.method).toBe(cli.method);
    expect(tool.candidates).toBe(cli.candidates);
    expect(tool.why).toEqual(cli.why);
    expect(tool.results.map((h: Json) => h.id)).toEqual(cli.results.map((h: Json) => h.id));
    expect(tool.results.map((h: Json) => h.score)).toEqual(cli.results.map((h: Json) => h.score));
    expect(tool.results.length).toBe(args.k);
    // Seeds are left out; every hit links to its resource.
    for (const hit of tool.results) {
      expect([...((args.like as string[]) ?? []), unlike]).not.toContain(hit.id);
      expect(hit.uri).toBe(`papers://paper/${encodeURIComponent(hit.id)}`);
    }
    methods.add(tool.method);
  }
  // An unlike trains a classifier, likes alone take the centroid: both paths were compared.
  expect([...methods].sort()).toEqual(["centroid", "classifier"]);
}

/** export: byte for byte what `papers show/list/search --format` print for the same papers. */
export async function checkExportMatchesCli(client: Client, indexDir: string): Promise<void> {
  const { likes } = await seedPapers(client);
  expect(await exported(client, { ids: [likes[0]] })).toBe(await cliText(indexDir, ["show", likes[0]!, "--format", "bibtex"]));
  const all = ((await cliJson(indexDir, ["list"])) as Json[]).map((p) => p.id);
  const bib = await exported(client, { ids: all, format: "bibtex" });
  expect(bib).toBe(await cliText(indexDir, ["list", "--format", "bibtex"]));
  expect(bib.match(/^@\w+\{/gm)).toHaveLength(all.length);
  // Another format, and a question's results as `papers search --format` exports them.
  expect(await exported(client, { ids: all, format: "ris" })).toBe(await cliText(indexDir, ["list", "--format", "ris"]));
  expect(await exported(client, { question: QUESTION, k: 5, format: "csl-json" })).toBe(await cliText(indexDir, ["search", QUESTION, "-k", "5", "--format", "csl-json"]));
  expect(await exported(client, { question: QUESTION, k: 3, mode: "lexical", format: "jsonl" })).toBe(
    await cliText(indexDir, ["search", QUESTION, "-k", "3", "--mode", "lexical", "--format", "jsonl"]),
  );
}

/** Bad recommend and export arguments: tool errors with papers codes, and the server goes on answering. */
export async function checkResearchBadArguments(client: Client): Promise<void> {
  const { likes, unlike } = await seedPapers(client);
  expect((await callError(client, "recommend", {})).code).toBe("BAD_OPTION");
  expect((await callError(client, "recommend", { unlike: [unlike] })).code).toBe("BAD_OPTION");
  expect((await callError(client, "recommend", { like: ["no-such-paper"] })).code).toBe("UNKNOWN_ID");
  expect((await callError(client, "recommend", { like: [likes[0]], unlike: [likes[0]] })).code).toBe("BAD_OPTION");
  expect((await callError(client, "recommend", { like: [likes[0]], k: 0 })).code).toBe("BAD_OPTION");
  expect((await callError(client, "recommend", { like: Array(101).fill(likes[0]) })).code).toBe("BAD_OPTION");
  expect((await callError(client, "recommend", { text: "x".repeat(20_001) })).code).toBe("BAD_OPTION");
  expect((await callError(client, "recommend", { like: likes[0] })).text).toMatch(/Input validation error.*like/);
  expect((await callError(client, "export", {})).code).toBe("BAD_OPTION");
  expect((await callError(client, "export", { ids: [likes[0]], question: QUESTION })).code).toBe("BAD_OPTION");
  expect((await callError(client, "export", { ids: [] })).code).toBe("BAD_OPTION");
  expect((await callError(client, "export", { ids: Array(101).fill(likes[0]) })).code).toBe("BAD_OPTION");
  expect((await callError(client, "export", { ids: [likes[0], "no-such-paper"] })).code).toBe("UNKNOWN_ID");
  expect((await callError(client, "export", { ids: [likes[0]], format: "docx" })).text).toMatch(/^BAD_OPTION: unknown format "docx"/);
  expect((await callError(client, "export", { question: "  " })).code).toBe("EMPTY_QUERY");
  expect((await callError(client, "export", { question: QUESTION, k: 101 })).code).toBe("BAD_OPTION");
  expect((await call(client, "recommend", { like: [likes[0]], k: 2 })).results).toHaveLength(2);
}
