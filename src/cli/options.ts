/** Options more than one command takes; their limits and defaults read the one limits table. */
import { Option } from "commander";
import { DEFAULT_MODE, EXPORT_FORMATS, SEARCH_MODES } from "../papers.js";
import { LIMITS } from "../limits.js";
import { parseK } from "./run.js";

export const kOption = (byDefault: number = LIMITS.defaultResults) =>
  new Option("-k, --k <n>", `how many papers to show, 1 to ${LIMITS.maxK}`).default(byDefault).argParser(parseK);
export const jsonOption = () => new Option("--json", "print JSON");
export const formatOption = () =>
  new Option("--format <format>", "print the papers as json, jsonl, csv, bibtex, ris, csl-json or markdown").choices(EXPORT_FORMATS);
export const waitOption = () => new Option("--wait", "wait for another process writing the index to finish, instead of failing");
export const noMapOption = () =>
  new Option("--no-map", "do not compute the topic map from scratch (minutes past 50,000 papers); a stored one is still updated");
export const modeOption = () =>
  new Option("--mode <mode>", "dense (meaning), lexical (BM25 words) or hybrid (both, fused)")
    .choices(SEARCH_MODES)
    .default(DEFAULT_MODE);
export const textOption = () =>
  new Option("--text <text|file|->", "a text not in the index (a draft abstract): the text itself, a file, or - for standard input");

/** The filters search and ask take: years, days, category, author, Zotero tag and collection. */
export const filterOptions = () => [
  new Option("--year <range>", "only papers from these years: 2024, 2024..2026, 2024.. or ..2020"),
  new Option("--since <day>", "only papers dated on or after this day: 2024-03-18 (or from the first day of 2024-03, or of 2024)"),
  new Option("--until <day>", "only papers dated on or before this day: 2024-03-18 (or to the last day of 2024-03, or of 2024)"),
  new Option("--category <name>", "only papers with this category, e.g. cs.CL"),
  new Option("--author <name>", "only papers with an author whose name contains this"),
  new Option("--tag <name>", "only papers with this Zotero tag"),
  new Option("--collection <name>", "only papers in this Zotero collection (or its subcollections)"),
];

/** The filters as given on the command line, for the request layer. */
export function filterFlags(flags: { year?: string; since?: string; until?: string; category?: string; author?: string; tag?: string; collection?: string }) {
  const { year, since, until, category, author, tag, collection } = flags;
  return { year, since, until, category, author, tag, collection };
}
