/** `papers watch`: keeps the index in step with folders and a Zotero library until stopped. */
import { Option, type Command } from "commander";
import { DEFAULT_ZOTERO_DIR, PapersError, type PapersOptions } from "../../papers.js";
import { parseCount, run, type OutputFlags } from "../run.js";

/** The watch options `watch` and `serve --watch` share. */
export function addWatchOptions(command: Command): Command {
  return command
    .option("--zotero [dir]", `follow a Zotero library too: its items added, edited, trashed or deleted (default folder: ${DEFAULT_ZOTERO_DIR})`)
    .option("--collection <name>", "with --zotero: only this collection and its subcollections")
    .option("--zotero-base <dir>", "with --zotero: the base directory of linked attachments (default: the one set in Zotero)")
    .option("--poll", "look at the files every 2 s instead of waiting for change events (network drives are polled anyway)");
}

/** The targets the flags name; `paths` may be empty only with --zotero. */
export function watchTargets(paths: string[], flags: OutputFlags & { poll?: boolean }) {
  if (flags.collection !== undefined && flags.zotero === undefined) throw new PapersError("BAD_OPTION", "--collection follows a Zotero collection: use it with --zotero");
  if (flags.zoteroBase !== undefined && flags.zotero === undefined) throw new PapersError("BAD_OPTION", "--zotero-base is where a Zotero library's linked files are: use it with --zotero");
  const zotero = flags.zotero === undefined ? undefined : typeof flags.zotero === "string" ? flags.zotero : DEFAULT_ZOTERO_DIR;
  if (paths.length === 0 && zotero === undefined) throw new PapersError("BAD_OPTION", "give the folders or files to watch, or --zotero");
  return { paths, zotero, collection: flags.collection, zoteroBase: flags.zoteroBase, poll: flags.poll };
}

export function addWatchCommand(program: Command): void {
  addWatchOptions(
    program
      .command("watch")
      .description("keep the index in step with folders (and a Zotero library) until stopped: files added, edited, moved or deleted, a commit per batch")
      .argument("[paths...]", "folders and files to follow (recursive)", []),
  )
    .addOption(new Option("--checkpoint-every <n>", "papers embedded between checkpoints: what a batch cut short keeps").default(512).argParser(parseCount))
    .option("--json", "print a JSON line per batch on stdout (the lines on stderr stay)")
    .action(run(async (paths: string[], flags: OutputFlags & { poll?: boolean }, options: PapersOptions) => {
      const targets = watchTargets(paths, flags);
      // Loaded only to watch: chokidar costs every other command start-up time.
      const { watchUntilStopped } = await import("../../watch/index.js");
      await watchUntilStopped({ ...options, checkpointEvery: flags.checkpointEvery }, targets, flags.json === true);
    }));
}
