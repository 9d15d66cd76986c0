/**
 * The watch front end's entry (the CLI's `watch` and `serve --watch` start it here): follows
 * folders and a Zotero library, committing each batch of changes through the facade.
 */
import { formatReport, type BatchReport } from "./report.js";
import { STDERR_OUTPUT, watchLibrary, type WatchOutput, type WatchTargets } from "./watch-library.js";
import type { PapersOptions } from "../papers.js";

export { DEFAULT_WATCH_SETTINGS, STDERR_OUTPUT, watchLibrary, type WatchOutput, type WatchSettings, type WatchTargets, type Watching } from "./watch-library.js";
export { formatReport, type BatchReport, type BatchSource } from "./report.js";

/** How long a signal lets the batch running finish before the process leaves it (the store commits all or nothing). */
const FINISH_GRACE_MS = 10_000;

/**
 * What `papers watch` runs: watches until SIGINT or SIGTERM, then lets the batch running finish
 * (or, after a grace time, abandons it: nothing half-written is ever visible) and exits 0. With
 * `json`, each batch is a JSON line on stdout as well as its line on stderr.
 */
export async function watchUntilStopped(options: PapersOptions & { checkpointEvery?: number }, targets: WatchTargets, json: boolean): Promise<void> {
  const output: WatchOutput = {
    batch: (report: BatchReport) => {
      process.stderr.write(`${formatReport(report)}\n`);
      if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
    },
    note: STDERR_OUTPUT.note,
  };
  const watching = await watchLibrary(options, targets, output);
  process.stderr.write(`papers: watching ${[...targets.paths, ...(targets.zotero ? [`Zotero library ${targets.zotero}`] : [])].join(", ")}; Ctrl-C stops\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`papers: ${signal}: ${watching.busy ? "finishing the batch running, then stopping" : "stopping"}\n`);
    process.once(signal, () => process.exit(0)); // a second signal: leave the batch now
    const abandon = setTimeout(() => {
      process.stderr.write("papers: the batch running is taking long: left unfinished (the index keeps its last commit)\n");
      process.exit(0);
    }, FINISH_GRACE_MS);
    abandon.unref();
    watching.close().then(
      () => process.exit(0),
      () => process.exit(0), // the batch's own failure was reported already
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
