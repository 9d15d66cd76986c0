import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll } from "vitest";
import { DEFAULT_MODEL } from "../src/embed/models.js";

export const REPO = new URL("..", import.meta.url).pathname;
export const SEEDS = join(REPO, "seeds");
export const CLI = join(REPO, "bin", "papers.js");

/**
 * The real model's folder. Tests never fall back to the network or to a fake embedder: without
 * the model they fail, saying how to provision it.
 */
export function modelsDir(): string {
  const dir = process.env.PAPERS_MODELS || join(homedir(), ".cache", "papers", "models");
  if (!existsSync(join(dir, DEFAULT_MODEL, "onnx", "model.onnx"))) {
    throw new Error(`no ${DEFAULT_MODEL} in ${dir}: run \`bash scripts/provision-models.sh ${DEFAULT_MODEL}\` or set PAPERS_MODELS`);
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
