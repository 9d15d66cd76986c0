/** The commands that write an index: index, remove, copy (and copy's old names, export and import). */
import { Option, type Command } from "commander";
import {
  DEFAULT_ZOTERO_DIR,
  PapersError,
  copyIndex,
  indexPapers,
  indexZotero,
  parseFieldOptions,
  removePapers,
  storeLocation,
  type PapersOptions,
} from "../../papers.js";
import { DEFAULT_CORPUS_DIR } from "../../settings.js";
import { formatIndexSummary, formatSkippedReport, formatZoteroSummary, indexSummaryJson, json, plainText } from "../format.js";
import { jsonOption, noMapOption, waitOption } from "../options.js";
import { parseCount, run, storeOptions, withProgress, type OutputFlags } from "../run.js";

const STORE_ARGUMENT = "postgresql://USER@HOST/DB (?host=/socket/dir, ?schema=NAME) or a folder";

export function addIndexingCommands(program: Command): void {
  program
    .command("index")
    .description("index files or folders of abstracts (default: the seeds/ folder)")
    .argument("[paths...]", "files, folders (recursive), .gz files, or - for standard input", [])
    .option("--field <name=source...>", "read a field from another column or key, e.g. abstract=summary")
    .option("--zotero [dir]", `read a Zotero library instead of files (default folder: ${DEFAULT_ZOTERO_DIR})`)
    .option("--collection <name>", "with --zotero: only this collection and its subcollections")
    .option("--zotero-base <dir>", "with --zotero: the base directory of linked attachments (default: the one set in Zotero)")
    .option("--rebuild", "re-embed everything instead of updating the index (needed to change model)")
    .option("--prune", "remove the papers whose every file under the paths given is gone (without it, index counts them)")
    .option("--grobid <url>", "read PDFs' reference lists with a GROBID server (e.g. http://localhost:8070) instead of the built-in reader")
    .addOption(new Option("--checkpoint-every <n>", "papers embedded between checkpoints").default(512).argParser(parseCount))
    .addOption(noMapOption())
    .addOption(waitOption())
    .addOption(jsonOption())
    .action(run(async (paths: string[], flags: OutputFlags, options: PapersOptions) => {
      if (flags.grobid !== undefined && flags.zotero !== undefined) throw new PapersError("BAD_OPTION", "--grobid reads the PDFs of files and folders given to index, not a Zotero library's attachments: index without --grobid");
      if (flags.collection !== undefined && flags.zotero === undefined) throw new PapersError("BAD_OPTION", "--collection reads a Zotero collection: use it with --zotero");
      if (flags.prune && flags.zotero !== undefined) throw new PapersError("BAD_OPTION", "--prune is for files and folders: a Zotero run removes deleted and trashed items by itself");
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
        indexPapers(corpus, { ...options, fields, prune: flags.prune, grobid: flags.grobid, rebuild: flags.rebuild, checkpointEvery: flags.checkpointEvery, wait: flags.wait, computeMap: flags.map }, progress),
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

  copyCommand(program.command("copy"), "both")
    .description("copy this index into another store (--to), or another store's index into this one (--from), vectors included: nothing is embedded again");
  // The old names, kept working but not listed: `export` elsewhere means citations (--format, the MCP tool).
  copyCommand(program.command("export", { hidden: true }), "to");
  copyCommand(program.command("import", { hidden: true }), "from");
}

/** copy's options and action; `way` says which of --to and --from a command takes. */
function copyCommand(command: Command, way: "to" | "from" | "both"): Command {
  if (way !== "from") command.option("--to <url>", `the store to copy this index into: ${STORE_ARGUMENT}`);
  if (way !== "to") command.option("--from <url>", `the store to copy into this index: ${STORE_ARGUMENT}`);
  return command
    .option("--rebuild", "replace what the target holds instead of updating it")
    .addOption(noMapOption())
    .addOption(waitOption())
    .addOption(jsonOption())
    .action(run(async (flags: OutputFlags, options: PapersOptions) => {
      if ((flags.to === undefined) === (flags.from === undefined)) {
        const which = way === "both" ? "--to (copy this index there) or --from (copy that index here), one of the two" : `--${way}`;
        throw new PapersError("BAD_OPTION", `give ${which}`);
      }
      const [source, target] = flags.to !== undefined ? [options, storeOptions(flags.to, options)] : [storeOptions(flags.from!, options), options];
      const summary = await withProgress((progress) => copyIndex(source, target, { rebuild: flags.rebuild, wait: flags.wait, computeMap: flags.map }, progress));
      console.log(flags.json ? json(indexSummaryJson(summary)) : formatIndexSummary(summary, storeLocation(target)));
    }));
}
