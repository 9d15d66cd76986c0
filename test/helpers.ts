import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import Database from "better-sqlite3";
import { afterAll } from "vitest";
import { DEFAULT_MODEL, onnxFileName, DEFAULT_DTYPE } from "../src/embed/models.js";
import { SHIPPED_MODELS_DIR } from "../src/paths.js";

export const REPO = new URL("..", import.meta.url).pathname;
export const SEEDS = join(REPO, "seeds");
export const CLI = join(REPO, "bin", "papers.js");

/**
 * The real model's folder: the one shipped in models/, unless PAPERS_MODELS names another. Named
 * explicitly, so that a model in the developer's own cache never decides a test. Tests that claim
 * ranking quality never fall back to the network or to a fake embedder.
 */
export function modelsDir(): string {
  const dir = process.env.PAPERS_MODELS || SHIPPED_MODELS_DIR;
  if (!existsSync(join(dir, DEFAULT_MODEL, "onnx", onnxFileName(DEFAULT_DTYPE)))) {
    throw new Error(`no ${DEFAULT_MODEL} (${DEFAULT_DTYPE}) in ${dir}: it ships in models/; set PAPERS_MODELS to another folder that has it`);
  }
  return dir;
}

/** A temporary folder removed after the test file. */
export function tempDir(prefix = "papers-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, offline, with the test's models folder. */
export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1", ...env },
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Vectors saved in a folder index's checkpoint by a run that has not committed yet (0 when there is none). */
export function folderCheckpointCount(indexDir: string): number {
  const checkpoint = join(indexDir, "checkpoint.db");
  if (!existsSync(checkpoint)) return 0;
  try {
    const db = new Database(checkpoint, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM vectors").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}
