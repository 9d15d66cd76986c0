/**
 * `papers watch`: keeps an index in step with folders and a Zotero library. Events only ask for
 * work; the work is always the catch-up (indexPapers with prune over the whole roots, an
 * incremental indexZotero), so an event missed, a crash or a kill -9 is repaired by the next
 * batch, and by the batch every start runs first.
 */
import { statSync } from "node:fs";
import { basename, relative, resolve, sep } from "node:path";
import { watch as chokidarWatch, type FSWatcher } from "chokidar";
import {
  PapersError,
  borrowedEmbedder,
  embedderLoader,
  formatSkipped,
  indexPapers,
  indexZotero,
  isIgnoredFileName,
  isPapersError,
  type Embedder,
  type EmbedderLoader,
  type IndexSummary,
  type PapersOptions,
  type Skipped,
} from "../papers.js";
import { eventlessFileSystem } from "./mounts.js";
import { formatReport, reportOf, type BatchReport, type BatchSource } from "./report.js";
import { BatchSchedule, type ScheduleSettings } from "./schedule.js";

export interface WatchTargets {
  /** Folders and files whose papers the index follows. */
  paths: readonly string[];
  /** A Zotero data folder to follow (its zotero.sqlite and storage/). */
  zotero?: string;
  /** With `zotero`: one collection only, and linked files' base folder (as `papers index --zotero`). */
  collection?: string;
  zoteroBase?: string;
  /** Poll every file instead of waiting for events, everywhere (events are trusted otherwise, except on network mounts). */
  poll?: boolean;
}

export interface WatchOutput {
  /** One report per batch. */
  batch: (report: BatchReport) => void;
  /** What a person should know: polling, files skipped, a batch failed (stderr for the CLI). */
  note: (line: string) => void;
}

export interface WatchSettings extends ScheduleSettings {
  /** How often polling looks at each file. */
  pollIntervalMs: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  quietMs: 1000,
  maxDelayMs: 30_000,
  retryMs: 2000,
  maxRetryMs: 60_000,
  pollIntervalMs: 2000,
};

export interface Watching {
  /** Stops watching; resolves when the batch running (if any) has ended. */
  close(): Promise<void>;
  /** Whether a batch is running now (a signal handler decides whether to wait for it). */
  readonly busy: boolean;
  /** Resolves when the startup catch-up has ended (done, found nothing, or failed and reported). */
  readonly caughtUp: Promise<void>;
}

/** stderr lines for the CLI: the report's line, and notes as they are. */
export const STDERR_OUTPUT: WatchOutput = {
  batch: (report) => process.stderr.write(`${formatReport(report)}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Starts watching: the watchers first, then the startup catch-up, so that nothing changed between
 * the two is missed. Resolves once both are running; the catch-up reports as batch 1.
 */
export async function watchLibrary(
  options: PapersOptions & { checkpointEvery?: number },
  targets: WatchTargets,
  output: WatchOutput = STDERR_OUTPUT,
  settings: WatchSettings = DEFAULT_WATCH_SETTINGS,
): Promise<Watching> {
  const roots = targets.paths.map((path) => resolve(path));
  const zotero = targets.zotero === undefined ? undefined : resolve(targets.zotero);
  if (roots.length === 0 && zotero === undefined) throw new PapersError("BAD_OPTION", "give folders or files to watch, or --zotero");
  for (const path of [...roots, ...(zotero ? [zotero] : [])]) mustExist(path);

  // One model for every batch: each indexing call would load and dispose its own.
  const model = keptLoader(options.embedder ?? embedderLoader(options));
  const batchOptions = { ...options, embedder: model.loader };
  let batches = 0;
  const run = async (source: BatchSource, task: () => Promise<IndexSummary>) => {
    const startedAt = new Date();
    const started = performance.now();
    const batch = ++batches;
    try {
      const summary = await task();
      for (const skipped of summary.skipped) if (skipped.kind === "file" || skipped.kind === "record") output.note(`papers: watch: skipped ${formatSkipped(skipped as Skipped)}`);
      output.batch(reportOf(batch, source, startedAt, summary, (performance.now() - started) / 1000));
    } catch (error) {
      if (isPapersError(error) && error.code === "NO_INPUT") {
        output.note(`papers: watch: ${error.message}; waiting for the first file`); // an empty folder is no failure
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      output.batch({ ...emptyReport(batch, source, startedAt), seconds: (performance.now() - started) / 1000, error: message });
      throw error;
    }
  };
  let caughtUp = () => {};
  const startup = new Promise<void>((resolve) => (caughtUp = resolve));
  const schedule = new BatchSchedule<BatchSource>(settings, (kinds) => batch(kinds).finally(caughtUp));
  // The folders and the library each get their turn: one failing does not hold the other back.
  const batch = async (kinds: ReadonlySet<BatchSource>) => {
    const failures: unknown[] = [];
    if (kinds.has("folders")) {
      await run("folders", () => indexPapers(roots, { ...batchOptions, prune: true, wait: true, computeMap: false })).catch((error) => failures.push(error));
    }
    if (kinds.has("zotero") && zotero !== undefined) {
      await run("zotero", () => indexZotero(zotero, { ...batchOptions, collection: targets.collection, baseDir: targets.zoteroBase, wait: true, computeMap: false })).catch((error) =>
        failures.push(error),
      );
    }
    if (failures.length > 0) throw failures[0];
  };

  const watchers: FSWatcher[] = [];
  try {
    if (roots.length > 0) {
      const poll = await pollingFor(roots, targets.poll, settings, output);
      // An index folder kept inside a watched folder: its own commits are no change to the library.
      const indexDir = options.store === undefined ? resolve(options.indexDir) : null;
      watchers.push(startWatcher(roots, { ignored: ignoredUnder(roots, indexDir), poll, settings }, () => schedule.request("folders"), output));
    }
    if (zotero !== undefined) {
      const poll = await pollingFor([zotero], targets.poll, settings, output);
      watchers.push(startWatcher([zotero], { ignored: notZoteroData(zotero), poll, settings }, () => schedule.request("zotero"), output));
    }
    await Promise.all(watchers.map((watcher) => new Promise<void>((ready) => watcher.once("ready", ready))));
  } catch (error) {
    await Promise.all(watchers.map((watcher) => watcher.close()));
    throw error;
  }
  schedule.requestNow(...(roots.length > 0 ? (["folders"] as const) : []), ...(zotero !== undefined ? (["zotero"] as const) : []));
  return {
    get busy() {
      return schedule.busy;
    },
    caughtUp: startup,
    close: async () => {
      await Promise.all(watchers.map((watcher) => watcher.close()));
      await schedule.close();
      await model.release();
    },
  };
}

function mustExist(path: string): void {
  try {
    statSync(path);
  } catch (error) {
    throw new PapersError("UNREADABLE_FILE", `cannot watch ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (error as Error).message}`);
  }
}

function emptyReport(batch: number, source: BatchSource, startedAt: Date): BatchReport {
  return { batch, source, startedAt: startedAt.toISOString(), added: 0, updated: 0, removed: 0, unchanged: 0, skipped: 0, papers: 0, changed: false, seconds: 0 };
}

interface WatcherSettings {
  ignored: (path: string) => boolean;
  poll: boolean;
  settings: WatchSettings;
}

function startWatcher(paths: string[], { ignored, poll, settings }: WatcherSettings, changed: () => void, output: WatchOutput): FSWatcher {
  const watcher = chokidarWatch(paths, {
    ignoreInitial: true, // the startup catch-up reads what is there
    ignored,
    usePolling: poll,
    interval: settings.pollIntervalMs,
    binaryInterval: settings.pollIntervalMs,
    ignorePermissionErrors: true,
    // No awaitWriteFinish: a batch waits for the events to be quiet, which a file still being
    // written (an event per write) does not let happen, and one quiet window covers every file.
  });
  watcher.on("all", changed);
  watcher.on("error", (error) => output.note(`papers: watch: ${error instanceof Error ? error.message : String(error)}`));
  return watcher;
}

/** Everything under the roots whose name is a temporary or hidden file's, and the index folder; never a root itself. */
function ignoredUnder(roots: readonly string[], indexDir: string | null): (path: string) => boolean {
  const given = new Set(roots);
  return (path) => !given.has(path) && (isIgnoredFileName(basename(path)) || (indexDir !== null && (path === indexDir || path.startsWith(indexDir + sep))));
}

/** In a Zotero data folder, everything but the database (with its journal) and storage/. */
function notZoteroData(dataDir: string): (path: string) => boolean {
  return (path) => {
    const inside = relative(dataDir, path);
    if (inside === "") return false;
    const [first = "", ...rest] = inside.split(sep);
    if (rest.length === 0) return !/^zotero\.sqlite(?:-wal|-journal)?$/.test(first) && first !== "storage";
    return first !== "storage" || isIgnoredFileName(basename(path));
  };
}

/** Whether to poll `paths`: when asked, or when one is on a file system without events (said on `note`). */
async function pollingFor(paths: readonly string[], asked: boolean | undefined, settings: WatchSettings, output: WatchOutput): Promise<boolean> {
  const every = `${settings.pollIntervalMs / 1000} s`;
  if (asked) {
    output.note(`papers: watch: polling ${paths.join(", ")} every ${every} (--poll)`);
    return true;
  }
  for (const path of paths) {
    const fileSystem = await eventlessFileSystem(path);
    if (fileSystem !== null) {
      output.note(`papers: watch: ${path} is on ${fileSystem}, which sends no change events: polling every ${every} instead`);
      return true;
    }
  }
  return false;
}

/** A loader that loads each model once and keeps it until released (the batches' dispose does nothing). */
function keptLoader(loader: EmbedderLoader): { loader: EmbedderLoader; release: () => Promise<void> } {
  const loaded = new Map<string, Promise<Embedder>>();
  return {
    loader: {
      describe: (name, dtype) => loader.describe(name, dtype),
      load: async (spec, dtype) => {
        const key = `${spec.id}\0${dtype}`;
        let embedder = loaded.get(key);
        if (!embedder) {
          embedder = loader.load(spec, dtype);
          loaded.set(key, embedder);
          embedder.catch(() => loaded.delete(key));
        }
        return borrowedEmbedder(await embedder);
      },
    },
    release: async () => {
      const all = [...loaded.values()];
      loaded.clear();
      for (const embedder of all) await (await embedder.catch(() => null))?.dispose();
    },
  };
}
