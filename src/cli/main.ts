import { Command, InvalidArgumentError, Option } from "commander";
import cliProgress from "cli-progress";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { evaluate } from "../eval/evaluate.js";
import {
  DEFAULT_MODE,
  EXPORT_FORMATS,
  RELATED_MODE,
  SEARCH_MODES,
  exportPapers,
  imageFormatOf,
  type ExportFormat,
  type ExportItem,
  indexPapers,
  indexZotero,
  DEFAULT_ZOTERO_DIR,
  PapersError,
  isPapersError,
  parseFieldOptions,
  parseYearRange,
  removePapers,
  copyIndex,
  storeLocation,
  openIndex,
  openOrBuildIndex,
  paperJson,
  type PaperIndex,
  type PapersOptions,
  type ProgressListener,
  type SearchMode,
} from "../papers.js";
import { DEFAULT_CORPUS_DIR, resolveOptions, type FrontEndOptions } from "../settings.js";
import { parseCorsOrigin } from "../server/cors.js";
import { DEFAULT_HOST, DEFAULT_PORT, parsePort, serveUntilStopped, type ServeFlags } from "../server/serve.js";
import {
  evalJson,
  formatEval,
  formatHits,
  formatIndexSummary,
  formatInfo,
  formatList,
  formatPaper,
  formatPassageHits,
  formatSkippedReport,
  formatZoteroSummary,
  formatTopics,
  passageHitJson,
  formatWhy,
  indexSummaryJson,
  json,
  plainText,
} from "./format.js";

interface OutputFlags {
  json?: boolean;
  k?: number;
  mode?: SearchMode;
  split?: string;
  rebuild?: boolean;
  checkpointEvery?: number;
  /** false with --no-map. */
  map?: boolean;
  wait?: boolean;
  field?: string[];
  year?: string;
  category?: string;
  author?: string;
  passages?: boolean;
  zotero?: string | boolean;
  zoteroBase?: string;
  collection?: string;
  tag?: string;
  format?: ExportFormat;
  explain?: boolean;
  like?: string[];
  unlike?: string[];
  text?: string;
  to?: string;
  from?: string;
}

const program = new Command("papers")
  .description("Offline semantic search over research-paper abstracts")
  .option("--index <dir>", "index folder (default: $PAPERS_INDEX, else index/ in a checkout, else ~/.local/share/papers/index)")
  .option("--store <url>", "keep the index in PostgreSQL (postgresql://USER@HOST/DB, ?host=/socket/dir, ?schema=NAME) or a folder (default: $PAPERS_STORE, else --index)")
  .option("--models <dir>", "models folder in transformers.js layout, looked in first (default: $PAPERS_MODELS)")
  .option("--offline", "never use the network; a model not on disk is an error (also $PAPERS_OFFLINE=1)")
  .option("--model <name>", "embedding model: all-MiniLM-L6-v2 (default), all-mpnet-base-v2, a Hub id or a model folder")
  .addOption(new Option("--dtype <dtype>", "model weights: q8 (default, shipped) or fp32").choices(["fp32", "q8"]))
  .showHelpAfterError(false)
  // Usage mistakes read like every other error: one line, prefixed with the program's name.
  .configureOutput({ outputError: (message, write) => write(`papers: ${message.replace(/^error: /, "")}`) });

const kOption = () => new Option("-k, --k <n>", "how many papers to show").default(10).argParser(parseCount);
const jsonOption = () => new Option("--json", "print JSON");
const formatOption = () =>
  new Option("--format <format>", "print the papers as json, jsonl, csv, bibtex, ris, csl-json or markdown").choices(EXPORT_FORMATS);
const waitOption = () => new Option("--wait", "wait for another process writing the index to finish, instead of failing");
const noMapOption = () =>
  new Option("--no-map", "do not compute the topic map from scratch (minutes past 50,000 papers); a stored one is still updated");
const modeOption = () =>
  new Option("--mode <mode>", "dense (meaning), lexical (BM25 words) or hybrid (both, fused)")
    .choices(SEARCH_MODES)
    .default(DEFAULT_MODE);

program
  .command("index")
  .description("index files or folders of abstracts (default: the seeds/ folder)")
  .argument("[paths...]", "files, folders (recursive), .gz files, or - for standard input", [])
  .option("--field <name=source...>", "read a field from another column or key, e.g. abstract=summary")
  .option("--zotero [dir]", `read a Zotero library instead of files (default folder: ${DEFAULT_ZOTERO_DIR})`)
  .option("--collection <name>", "with --zotero: only this collection and its subcollections")
  .option("--zotero-base <dir>", "with --zotero: the base directory of linked attachments (default: the one set in Zotero)")
  .option("--rebuild", "re-embed everything instead of updating the index (needed to change model)")
  .addOption(new Option("--checkpoint-every <n>", "papers embedded between checkpoints").default(512).argParser(parseCount))
  .addOption(noMapOption())
  .addOption(waitOption())
  .addOption(jsonOption())
  .action(run(async (paths: string[], flags: OutputFlags, options: PapersOptions) => {
    if (flags.collection !== undefined && flags.zotero === undefined) throw new PapersError("BAD_OPTION", "--collection reads a Zotero collection: use it with --zotero");
    if (flags.zoteroBase !== undefined && flags.zotero === undefined) throw new PapersError("BAD_OPTION", "--zotero-base is where a Zotero library's linked files are: use it with --zotero");
    if (flags.zotero !== undefined) {
      if (paths.length > 0) throw new PapersError("BAD_OPTION", `--zotero reads a Zotero library, not files: index ${paths.join(" ")} in a separate run`);
      const dataDir = typeof flags.zotero === "string" ? flags.zotero : DEFAULT_ZOTERO_DIR;
      const summary = await withProgress((progress) =>
        indexZotero(dataDir, { ...options, collection: flags.collection, baseDir: flags.zoteroBase, rebuild: flags.rebuild, checkpointEvery: flags.checkpointEvery, wait: flags.wait, computeMap: flags.map }, progress),
      );
      if (summary.skipped.length > 0) process.stderr.write(formatSkippedReport(summary.skipped));
      console.log(flags.json ? json({ ...indexSummaryJson(summary), removed: summary.removed, zotero: summary.zotero }) : formatZoteroSummary(summary, storeLocation(options)));
      return;
    }
    const corpus = paths.length > 0 ? paths : [DEFAULT_CORPUS_DIR];
    const fields = parseFieldOptions(flags.field ?? []);
    const summary = await withProgress((progress) =>
      indexPapers(corpus, { ...options, fields, rebuild: flags.rebuild, checkpointEvery: flags.checkpointEvery, wait: flags.wait, computeMap: flags.map }, progress),
    );
    // Every left-out record is named (file:line) so nothing a user gave is lost silently.
    if (summary.skipped.length > 0) process.stderr.write(formatSkippedReport(summary.skipped));
    if (summary.recovered) process.stderr.write(`papers: recovered: ${plainText(summary.recovered)}\n`);
    console.log(flags.json ? json(indexSummaryJson(summary)) : formatIndexSummary(summary, storeLocation(options)));
  }));

program
  .command("remove")
  .description("remove papers from the index by id")
  .argument("<ids...>", "paper ids")
  .addOption(waitOption())
  .addOption(jsonOption())
  .action(run(async (ids: string[], flags: OutputFlags, options: PapersOptions) => {
    const { removed, manifest, recovered } = await removePapers(ids, { ...options, wait: flags.wait });
    if (recovered) process.stderr.write(`papers: recovered: ${plainText(recovered)}\n`);
    console.log(flags.json ? json({ removed, papers: manifest.count }) : `Removed ${removed}; ${manifest.count} papers left in ${storeLocation(options)}`);
  }));

program
  .command("export")
  .description("copy this index into another store (a PostgreSQL database or a folder), vectors included: nothing is embedded again")
  .requiredOption("--to <url>", "postgresql://USER@HOST/DB (?host=/socket/dir, ?schema=NAME) or a folder")
  .option("--rebuild", "replace what the target holds instead of updating it")
  .addOption(noMapOption())
  .addOption(waitOption())
  .addOption(jsonOption())
  .action(run(async (flags: OutputFlags, options: PapersOptions) => {
    const target = storeOptions(flags.to!, options);
    const summary = await withProgress((progress) => copyIndex(options, target, { rebuild: flags.rebuild, wait: flags.wait, computeMap: flags.map }, progress));
    console.log(flags.json ? json(indexSummaryJson(summary)) : formatIndexSummary(summary, storeLocation(target)));
  }));

program
  .command("import")
  .description("copy another store's index (a PostgreSQL database or a folder) into this one, vectors included: nothing is embedded again")
  .requiredOption("--from <url>", "postgresql://USER@HOST/DB (?host=/socket/dir, ?schema=NAME) or a folder")
  .option("--rebuild", "replace what this index holds instead of updating it")
  .addOption(noMapOption())
  .addOption(waitOption())
  .addOption(jsonOption())
  .action(run(async (flags: OutputFlags, options: PapersOptions) => {
    const summary = await withProgress((progress) => copyIndex(storeOptions(flags.from!, options), options, { rebuild: flags.rebuild, wait: flags.wait, computeMap: flags.map }, progress));
    console.log(flags.json ? json(indexSummaryJson(summary)) : formatIndexSummary(summary, storeLocation(options)));
  }));

program
  .command("search")
  .description("find the papers closest in meaning to a question (builds the seeds index on first use, in the default index folder only)")
  .argument("<question...>", "what you are looking for")
  .addOption(kOption())
  .addOption(modeOption())
  .option("--year <range>", "only papers from these years: 2024, 2024..2026, 2024.. or ..2020")
  .option("--category <name>", "only papers with this category, e.g. cs.CL")
  .option("--author <name>", "only papers with an author whose name contains this")
  .option("--tag <name>", "only papers with this Zotero tag")
  .option("--collection <name>", "only papers in this Zotero collection (or its subcollections)")
  .option("--passages", "list passages of full text (from PDFs) instead of papers")
  .addOption(jsonOption())
  .addOption(formatOption())
  .option("--explain", "show why each paper matches: its sentence closest to the question, and the question's words it has")
  .action(run(async (words: string[], flags: OutputFlags, options: PapersOptions) => {
    const index = await withProgress((progress) => openOrBuildIndex(options, [DEFAULT_CORPUS_DIR], progress));
    await withIndex(index, async () => {
      const filter = {
        years: flags.year === undefined ? undefined : parseYearRange(flags.year),
        category: flags.category,
        author: flags.author,
        tag: flags.tag,
        collection: flags.collection,
      };
      const question = words.join(" ");
      if (flags.passages) {
        const passages = await index.searchPassages(question, flags.k, flags.mode, filter);
        console.log(flags.json ? json(passages.map(passageHitJson)) : formatPassageHits(passages));
        return;
      }
      const found = await index.search(question, flags.k, flags.mode, filter);
      const explanations = flags.explain ? await index.explain(question, found) : undefined;
      const confidence = await index.confidence(question, found);
      const hits = found.map((hit, i) => ({ ...hit, relevance: confidence.relevance[i]!, ...(explanations ? { explain: explanations[i] } : {}) }));
      if (flags.format) return printExport(hits, flags.format);
      // "No confident match" goes to stderr too, so that a script reading stdout sees it without parsing.
      if (!confidence.confident && hits.length > 0) process.stderr.write(`papers: ${NO_CONFIDENT_MATCH}\n`);
      if (flags.json) {
        console.log(json(hits.map((h) => ({ ...paperJson(h, h.score), relevance: h.relevance, ...(h.explain ? { explain: h.explain } : {}) }))));
      } else {
        console.log((confidence.confident || hits.length === 0 ? "" : `${NO_CONFIDENT_MATCH}\n\n`) + formatHits(hits));
      }
    });
  }));

const textOption = () => new Option("--text <text|file|->", "a text not in the index (a draft abstract): the text itself, a file, or - for standard input");

program
  .command("related")
  .description("find the papers closest to one in the index, or to a text (--text)")
  .argument("[id]", "paper id or arXiv id")
  .addOption(kOption())
  .addOption(
    new Option("--mode <mode>", `dense (meaning), lexical (BM25 words) or hybrid (both, fused); default ${RELATED_MODE}, the best on arXiv (bench/related-mode.mjs)`)
      .choices(SEARCH_MODES)
      .default(RELATED_MODE),
  )
  .addOption(textOption())
  .addOption(jsonOption())
  .addOption(formatOption())
  .action(run(async (id: string | undefined, flags: OutputFlags, options: PapersOptions) => {
    if ((id === undefined) === (flags.text === undefined)) throw new PapersError("BAD_OPTION", "give a paper id or --text, one of the two");
    await withIndex(await openIndex(options), async (index) => {
      const hits = flags.text !== undefined ? await index.relatedToText(readTextOption(flags.text), flags.k, flags.mode) : await index.related(id!, flags.k, flags.mode);
      if (flags.format) return printExport(hits, flags.format);
      console.log(flags.json ? json(hits.map((h) => paperJson(h, h.score))) : formatHits(hits));
    });
  }));

program
  .command("recommend")
  .description("papers like the ones you like (and a text), unlike the ones you do not")
  .option("--like <ids...>", "papers you want more of")
  .option("--unlike <ids...>", "papers you want fewer of (a classifier is then trained against them)")
  .addOption(textOption())
  .addOption(new Option("-k, --k <n>", "how many papers to show").default(20).argParser(parseCount))
  .addOption(jsonOption())
  .addOption(formatOption())
  .action(run(async (flags: OutputFlags, options: PapersOptions) => {
    await withIndex(await openIndex(options), async (index) => {
      const text = flags.text === undefined ? undefined : readTextOption(flags.text);
      const result = await index.recommend({ like: flags.like, unlike: flags.unlike, text, k: flags.k });
      if (flags.format && flags.format !== "json") return printExport(result.hits, flags.format);
      if (flags.json || flags.format) {
        console.log(json({ method: result.method, candidates: result.candidates, why: result.why, results: result.hits.map((h) => paperJson(h, h.score)) }));
        return;
      }
      console.log(formatHits(result.hits));
      console.log(`\n${formatWhy(result)}`);
    });
  }));

program
  .command("show")
  .description("show one paper")
  .argument("<id>", "paper id or arXiv id")
  .addOption(jsonOption())
  .addOption(formatOption())
  .action(run(async (id: string, flags: OutputFlags, options: PapersOptions) => {
    await withIndex(await openIndex(options), async (index) => {
      const paper = await index.get(id);
      // One paper: its JSON is the object `--json` prints, not a list of one.
      if (flags.format && flags.format !== "json") return printExport([paper], flags.format);
      if (flags.format) flags.json = true;
      console.log(flags.json ? json(paperJson(paper)) : formatPaper(paper));
    });
  }));

program
  .command("list")
  .description("list the papers in the index")
  .addOption(jsonOption())
  .addOption(formatOption())
  .action(run(async (flags: OutputFlags, options: PapersOptions) => {
    await withIndex(await openIndex(options), async (index) => {
      const papers = await index.list();
      if (flags.format) return printExport(papers, flags.format);
      console.log(flags.json ? json(papers.map((p) => paperJson(p))) : formatList(papers));
    });
  }));

program
  .command("info")
  .description("describe the index: model, dimension, paper count, path, size")
  .addOption(jsonOption())
  .action(run(async (flags: OutputFlags, options: PapersOptions) => {
    await withIndex(await openIndex(options), async (index) => {
      const info = await index.info();
      console.log(flags.json ? json(info) : formatInfo(info));
    });
  }));

program
  .command("topics")
  .description("list the topics of the index: label, size and 3 representative papers, largest first")
  .addOption(jsonOption())
  .action(run(async (flags: OutputFlags, options: PapersOptions) => {
    await withIndex(await openIndex(options), async (index) => {
      const topics = await index.topics();
      console.log(flags.json ? json(topics) : formatTopics(topics));
    });
  }));

program
  .command("map")
  .description("draw the map of the index (papers coloured by topic, topics labelled) as an SVG or PNG picture")
  .requiredOption("--out <file>", "the picture to write: map.svg or map.png")
  .option("--size <pixels>", "width and height of the picture", parseCount, 1600)
  .action(run(async (outputFlags: OutputFlags, options: PapersOptions) => {
    const flags = outputFlags as OutputFlags & { out: string; size: number };
    const format = imageFormatOf(flags.out);
    await withIndex(await openIndex(options), async (index) => {
      const image = await index.mapImage(format, { size: flags.size });
      try {
        writeFileSync(flags.out, image);
      } catch (error) {
        throw new PapersError("BAD_OPTION", `cannot write ${flags.out}: ${(error as Error).message}`);
      }
      const { count } = index.info();
      console.log(`wrote ${flags.out}: ${count} papers, ${(await index.topics()).length} topics`);
    });
  }));

program
  .command("eval")
  .description("score retrieval on a BEIR-layout dataset: nDCG@10, Recall@100, MRR@10")
  .argument("<dir>", "folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv")
  .option("--split <name>", "which qrels file to score", "test")
  .addOption(modeOption())
  .addOption(jsonOption())
  .action(run(async (dir: string, flags: OutputFlags, options: PapersOptions) => {
    const report = await withProgress((progress) => evaluate(dir, { ...options, split: flags.split, mode: flags.mode }, progress));
    console.log(flags.json ? json(evalJson(report)) : formatEval(report));
  }));

program
  .command("serve")
  .description("serve a JSON API and a search page over HTTP (builds the seeds index on first use, in the default index folder only)")
  .addOption(new Option("--port <n>", "port to listen on (0: any free port)").default(DEFAULT_PORT).argParser(optionParser(parsePort)))
  .option("--host <address>", "address to listen on; anything but loopback lets other machines in", DEFAULT_HOST)
  .option("--cors <origin>", "let web pages from this one origin (e.g. https://example.org) call the API", optionParser(parseCorsOrigin))
  .action(run(async (flags: OutputFlags, options: PapersOptions) => {
    await serveUntilStopped(options, flags as ServeFlags);
  }));

program
  .command("mcp")
  .description("serve the index to AI agents over MCP on stdin/stdout (builds the seeds index on first use)")
  .action(run(async (_flags: OutputFlags, options: PapersOptions) => {
    // Loaded here: the MCP SDK would slow every other command's start.
    const { serveMcpStdio } = await import("../mcp/stdio.js");
    await serveMcpStdio(options);
  }));

/**
 * Wraps a command's action: resolves the global options, and turns any error into one line on
 * stderr and exit status 1. Stack traces are for bugs only, and only with PAPERS_DEBUG=1.
 */
function run<A extends unknown[]>(action: (...args: [...A, OutputFlags, PapersOptions]) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const flags = args[args.length - 2] as OutputFlags;
    const positional = args.slice(0, -2) as A;
    try {
      const options = resolveOptions(command.optsWithGlobals<FrontEndOptions>());
      await action(...positional, flags, options);
    } catch (error) {
      fail(error);
    }
  };
}

function fail(error: unknown): never {
  // Messages quote ids, paths and records from data: no control character reaches the terminal.
  if (isPapersError(error)) {
    process.stderr.write(`papers: ${plainText(error.message)}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`papers: unexpected error: ${plainText(message)} (set PAPERS_DEBUG=1 for details)\n`);
    if (process.env.PAPERS_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
}

const NO_CONFIDENT_MATCH = "No confident match: none of these papers is likely to answer the question (the closest are shown).";

/** `--text`: "-" is standard input, an existing file is read, anything else is the text itself. */
function readTextOption(value: string): string {
  if (value === "-") return readFileSync(0, "utf8");
  if (value.length < 4096 && existsSync(value) && statSync(value).isFile()) return readFileSync(value, "utf8");
  return value;
}

/** The options naming another store (--to, --from): a connection string, or a folder. */
function storeOptions(location: string, options: PapersOptions): PapersOptions {
  if (/^postgres(ql)?:\/\//i.test(location.trim())) return { ...options, store: location };
  const { store: _store, ...rest } = options;
  return { ...rest, indexDir: resolve(location) };
}

/** An export on stdout, as it is (formats end with their own newline). */
function printExport(items: readonly ExportItem[], format: ExportFormat): void {
  process.stdout.write(exportPapers(items, format));
}

async function withIndex<T>(index: PaperIndex, body: (index: PaperIndex) => Promise<T>): Promise<T> {
  if (index.recovered) process.stderr.write(`papers: warning: ${plainText(index.recovered)}; \`papers index\` makes CURRENT name it again\n`);
  try {
    return await body(index);
  } finally {
    await index.close();
  }
}

/** Shows a progress bar with an ETA on stderr while `task` embeds, when a person is watching. */
async function withProgress<T>(task: (progress?: ProgressListener) => Promise<T>): Promise<T> {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return task();
  const bar = new cliProgress.SingleBar(
    { format: "embedding {bar} {value}/{total} papers | {eta_formatted} left", stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    return await task((done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}

/** A library parser as a commander option parser: its error becomes commander's usage error. */
function optionParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (isPapersError(error)) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError("give a whole number of at least 1");
  return n;
}

program.parseAsync(process.argv).catch(fail);
