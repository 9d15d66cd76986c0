/** `papers feed`: new papers for the likes, as a Markdown digest, JSON, an HTML page or an Atom feed, to stdout or a file. */
import { Option, type Command } from "commander";
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { FEED_FORMATS, PapersError, likesFromZotero, openIndex, type FeedFormat, type PapersOptions } from "../../papers.js";
import { LIMITS } from "../../limits.js";
import { LOCAL } from "../../requests/answers.js";
import { feedDocument, feedPapers } from "../../requests/feed.js";
import { kOption } from "../options.js";
import { parseCount, run, withIndex, type OutputFlags } from "../run.js";

interface FeedFlags extends Omit<OutputFlags, "format"> {
  since?: string;
  until?: string;
  days?: number;
  likeFile?: string;
  likeTag?: string;
  likeCollection?: string;
  format: FeedFormat;
  out?: string;
}

export function addFeedCommand(program: Command): void {
  program
    .command("feed")
    .description(
      "new papers for what you like: the papers dated inside a window, ranked by recommend for your likes (the saved ones, `papers like`, unless given), each with why",
    )
    .addOption(new Option("--since <date>", "papers dated on or after this day (YYYY-MM-DD)").conflicts("days"))
    .option("--until <date>", "papers dated on or before this day (YYYY-MM-DD)")
    .addOption(
      new Option(
        "--days <n>",
        "the n newest listing days in the index, ending at the newest paper's date (not today: a freshly harvested index's last n days of papers; days without papers, like weekends, do not count)",
      ).argParser(parseCount),
    )
    .option("--like <ids...>", "papers you like (instead of the saved likes)")
    .option("--like-file <file>", "papers you like, one id per line (# starts a comment)")
    .option("--like-tag <tag>", "papers you like: those with this Zotero tag")
    .option("--like-collection <name>", "papers you like: those in this Zotero collection")
    .option("--unlike <ids...>", "papers you do not want more of (a classifier is then trained against them)")
    .addOption(kOption(LIMITS.recommendDefault))
    .addOption(new Option("--format <format>", "markdown (a digest to read), json, html (one self-contained page) or atom (a feed for a feed reader)").choices(FEED_FORMATS).default("markdown"))
    .option("--out <file>", "write the feed to this file (replaced whole, never half-written) instead of standard output")
    .action(run(async (given: OutputFlags, options: PapersOptions) => {
      const flags = given as unknown as FeedFlags;
      await withIndex(await openIndex(options), async (index) => {
        const like = await givenLikes(flags, (by) => likesFromZotero(by, index));
        const feed = await feedPapers(index, { since: flags.since, until: flags.until, days: flags.days, like, unlike: flags.unlike, k: flags.k });
        const document = feedDocument(feed, flags.format, LOCAL);
        if (flags.out === undefined) return void process.stdout.write(document);
        writeAtomically(resolve(flags.out), document);
        process.stderr.write(`papers: wrote ${feed.items.length} papers to ${flags.out}\n`);
      });
    }));
}

/** The likes the options give (--like, --like-file, --like-tag, --like-collection together), or undefined for the saved ones. */
async function givenLikes(flags: FeedFlags, zotero: (by: { tag?: string; collection?: string }) => Promise<string[]>): Promise<string[] | undefined> {
  if (!flags.like && flags.likeFile === undefined && flags.likeTag === undefined && flags.likeCollection === undefined) return undefined;
  const ids = [...(flags.like ?? [])];
  if (flags.likeFile !== undefined) ids.push(...readIdFile(flags.likeFile));
  for (const [by, value] of [["tag", flags.likeTag], ["collection", flags.likeCollection]] as const) {
    if (value === undefined) continue;
    ids.push(...(await zotero({ [by]: value })));
  }
  return [...new Set(ids)];
}

function readIdFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PapersError("UNREADABLE_FILE", `cannot read the likes file ${file}: ${(error as Error).message}`);
  }
  const ids = text.split("\n").map((line) => line.replace(/#.*/, "").trim().split(/\s+/)[0] ?? "").filter(Boolean);
  if (ids.length === 0) throw new PapersError("NO_LIKES", `the likes file ${file} names no paper: write one id per line`);
  return ids;
}

/** The file replaced whole: written beside it under a temporary name, then renamed over it. */
function writeAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: "wx" });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new PapersError("NO_PERMISSION", `cannot write the feed to ${path}: you may not write there`);
    if (code === "ENOSPC") throw new PapersError("DISK_FULL", `cannot write the feed to ${path}: the disk is full (the old file, if any, is as it was)`);
    const reason = code === "ENOENT" ? "its folder does not exist" : code === "EISDIR" ? "it is a folder: name a file" : (error as Error).message;
    throw new PapersError("BAD_OPTION", `cannot write the feed to ${path}: ${reason}`);
  }
}
