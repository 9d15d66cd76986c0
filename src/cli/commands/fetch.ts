/** `papers fetch arxiv`: harvest arXiv metadata into the index (the library's fetchArxiv). */
import { InvalidArgumentError, Option, type Command } from "commander";
import { ARXIV_API_ENDPOINT, ARXIV_OAI_ENDPOINT, DEFAULT_DELAY_MS, fetchArxiv, storeLocation, type FetchArxivSummary, type PapersOptions } from "../../papers.js";
import { json, plainText } from "../format.js";
import { jsonOption, waitOption } from "../options.js";
import { parseCount, run, withProgress, type OutputFlags } from "../run.js";

interface FetchFlags extends OutputFlags {
  set?: string[];
  id?: string[];
  until?: string;
  endpoint?: string;
  api?: string;
  delay?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 3600) throw new InvalidArgumentError("give a number of seconds from 0 to 3600");
  return n;
}

export function addFetchCommands(program: Command): void {
  const fetch = program.command("fetch").description("fetch paper metadata from an online source into the index");
  fetch
    .command("arxiv")
    .description("harvest arXiv metadata (OAI-PMH) by set and date, or look papers up by id; a run without --from continues where the last one stopped")
    .option("--set <set>", "an OAI set: a group (cs, math, physics), an archive (physics:hep-th) or a category (cs:cs:CL); repeat for more", collect)
    .option("--id <id>", "an arXiv id to look up with the arXiv API (2404.09336, hep-th/9901001); repeat for more", collect)
    .option("--from <day>", "first datestamp, YYYY-MM-DD, inclusive (default: where the last run of the set got to, else everything)")
    .option("--until <day>", "last datestamp, YYYY-MM-DD, inclusive")
    .option("--endpoint <url>", `OAI-PMH base URL (default: $PAPERS_ARXIV_ENDPOINT, else ${ARXIV_OAI_ENDPOINT})`)
    .option("--api <url>", `arXiv API query URL for --id (default: $PAPERS_ARXIV_API, else ${ARXIV_API_ENDPOINT})`)
    .addOption(new Option("--delay <seconds>", "pause between requests, as arXiv asks").default(DEFAULT_DELAY_MS / 1000).argParser(parseSeconds))
    .addOption(new Option("--checkpoint-every <n>", "papers embedded between checkpoints").default(512).argParser(parseCount))
    .addOption(waitOption())
    .addOption(jsonOption())
    .action(run(async (flags: FetchFlags, options: PapersOptions) => {
      const summary = await withProgress(
        (progress) =>
          fetchArxiv(
            {
              ...options,
              sets: flags.set,
              ids: flags.id,
              from: flags.from,
              until: flags.until,
              endpoint: flags.endpoint ?? (process.env.PAPERS_ARXIV_ENDPOINT || undefined),
              api: flags.api ?? (process.env.PAPERS_ARXIV_API || undefined),
              polite: { delayMs: Math.round((flags.delay ?? DEFAULT_DELAY_MS / 1000) * 1000) },
              checkpointEvery: flags.checkpointEvery,
              wait: flags.wait,
            },
            (p) => progress?.(p.harvested, Math.max(p.total ?? p.harvested, p.harvested)),
          ),
        { doing: "harvesting", unit: "records" },
      );
      if (summary.kept.length > 0) {
        process.stderr.write(
          `papers: ${summary.kept.length} papers with these ids came from elsewhere (a file, Zotero) and were left as they are (remove them first to take arXiv's): ${plainText(summary.kept.slice(0, 20).join(", "))}${summary.kept.length > 20 ? ", …" : ""}\n`,
        );
      }
      if (summary.missing.length > 0) process.stderr.write(`papers: not found on arXiv: ${plainText(summary.missing.join(", "))}\n`);
      console.log(flags.json ? json(fetchSummaryJson(summary)) : formatFetchSummary(summary, storeLocation(options)));
    }));
}

function fetchSummaryJson(summary: FetchArxivSummary): Record<string, unknown> {
  return { ...summary, seconds: Number(summary.seconds.toFixed(2)), datestamps: Object.fromEntries(summary.sets.map((s) => [s.set, s.datestamp])) };
}

function formatFetchSummary(summary: FetchArxivSummary, location: string): string {
  const deleted = summary.deleted > 0 ? ` (and ${summary.deleted} deleted)` : "";
  const kept = summary.kept.length > 0 ? `, ${summary.kept.length} left to another source` : "";
  const lines = [
    `${summary.harvested} records${deleted} in ${summary.requests} requests: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.removed} removed${kept}; ` +
      `${summary.papers ?? 0} papers in ${plainText(location)}, ${summary.embedded} embedded in ${summary.seconds.toFixed(1)} s`,
  ];
  for (const s of summary.sets) {
    lines.push(`  ${plainText(s.set)}: ${s.harvested} records from ${s.from ?? "the start"}${s.until ? ` until ${s.until}` : ""}; next run continues from ${s.datestamp ?? "the start"}`);
  }
  return lines.join("\n");
}
