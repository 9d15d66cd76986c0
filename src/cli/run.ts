/** What every command shares: running an action with the global options, errors, progress, options' parsers. */
import { InvalidArgumentError, type Command } from "commander";
import cliProgress from "cli-progress";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { exportPapers, isPapersError, type ExportFormat, type ExportItem, type PaperIndex, type PapersOptions, type ProgressListener, type SearchMode } from "../papers.js";
import { LIMITS } from "../limits.js";
import { resolveOptions, type FrontEndOptions } from "../settings.js";
import { isPostgresUrl } from "../store/open-store.js";
import { plainText } from "./format.js";

/** Every command's flags (each command reads its own). */
export interface OutputFlags {
  json?: boolean;
  k?: number;
  mode?: SearchMode;
  split?: string;
  rebuild?: boolean;
  prune?: boolean;
  checkpointEvery?: number;
  /** false with --no-map. */
  map?: boolean;
  wait?: boolean;
  field?: string[];
  year?: string;
  since?: string;
  until?: string;
  category?: string;
  author?: string;
  passages?: boolean;
  zotero?: string | boolean;
  collection?: string;
  zoteroBase?: string;
  /** `index --grobid URL`: a GROBID server reads PDFs' reference lists. */
  grobid?: string;
  tag?: string;
  format?: ExportFormat;
  explain?: boolean;
  like?: string[];
  unlike?: string[];
  text?: string;
  to?: string;
  from?: string;
  clear?: boolean;
}

/**
 * Wraps a command's action: resolves the global options, and turns any error into one line on
 * stderr and exit status 1. Stack traces are for bugs only, and only with PAPERS_DEBUG=1.
 */
export function run<A extends unknown[]>(action: (...args: [...A, OutputFlags, PapersOptions]) => Promise<void>) {
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

export function fail(error: unknown): never {
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

/** `--text`: "-" is standard input, an existing file is read, anything else is the text itself. */
export function readTextOption(value: string): string {
  if (value === "-") return readFileSync(0, "utf8");
  if (value.length < 4096 && existsSync(value) && statSync(value).isFile()) return readFileSync(value, "utf8");
  return value;
}

/** The options naming another store (copy --to, --from): a connection string, or a folder. */
export function storeOptions(location: string, options: PapersOptions): PapersOptions {
  if (isPostgresUrl(location)) return { ...options, store: location };
  const { store: _store, ...rest } = options;
  return { ...rest, indexDir: resolve(location) };
}

/** An export on stdout, as it is (formats end with their own newline). */
export function printExport(items: readonly ExportItem[], format: ExportFormat): void {
  process.stdout.write(exportPapers(items, format));
}

export async function withIndex<T>(index: PaperIndex, body: (index: PaperIndex) => Promise<T>): Promise<T> {
  if (index.recovered) process.stderr.write(`papers: warning: ${plainText(index.recovered)}; \`papers index\` makes CURRENT name it again\n`);
  try {
    return await body(index);
  } finally {
    await index.close();
  }
}

/**
 * Shows a progress bar with an ETA on stderr while `task` embeds (or, as `label` says, harvests),
 * when a person is watching. A total that changes (a harvest learning its list's size) moves the bar's end.
 */
export async function withProgress<T>(task: (progress?: ProgressListener) => Promise<T>, label = { doing: "embedding", unit: "papers" }): Promise<T> {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return task();
  const bar = new cliProgress.SingleBar(
    { format: `${label.doing} {bar} {value}/{total} ${label.unit} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    return await task((done, total) => {
      if (!started) bar.start(total, 0);
      else if (total !== bar.getTotal()) bar.setTotal(total);
      started = true;
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}

/** A library parser as a commander option parser: its error becomes commander's usage error. */
export function optionParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (isPapersError(error)) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError("give a whole number of at least 1");
  return n;
}

/** -k: how many results, up to the library's limit. */
export function parseK(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > LIMITS.maxK) throw new InvalidArgumentError(`give a whole number from 1 to ${LIMITS.maxK}`);
  return n;
}
