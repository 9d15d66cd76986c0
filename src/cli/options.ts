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
