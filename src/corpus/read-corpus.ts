import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../errors.js";
import { mergeRecords, type Paper, type PaperRecord } from "./paper.js";
import { parseSeedText } from "./seeds.js";

export interface Corpus {
  papers: Paper[];
  files: string[];
}

/** Reads files and folders (recursively; hidden entries skipped) into distinct papers. */
export function readCorpus(paths: readonly string[]): Corpus {
  const files = paths.flatMap(expandPath);
  if (files.length === 0) {
    throw new PapersError("NO_INPUT", `no input files in ${paths.join(", ")}: give files or folders of abstracts`);
  }
  const records: PaperRecord[] = [];
  for (const file of files) records.push(...parseSeedText(readText(file), file));
  return { papers: mergeRecords(records), files };
}

function expandPath(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (!stat.isDirectory()) return [path];
  let entries: string[];
  try {
    entries = readdirSync(path).sort();
  } catch (error) {
    throw unreadable(path, error);
  }
  return entries.filter((name) => !name.startsWith(".")).flatMap((name) => expandPath(join(path, name)));
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw unreadable(file, error);
  }
}

function unreadable(path: string, error: unknown): PapersError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT" ? "no such file or folder" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a folder" : String((error as Error).message);
  return new PapersError("UNREADABLE_FILE", `cannot read ${path}: ${reason}`);
}
