import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * An index folder holds complete generations (`gen-…/`) and a CURRENT file naming the live one.
 * A writer builds a new generation under a `.tmp` name, renames it into place, then swaps CURRENT
 * with an atomic rename: a crash at any point leaves CURRENT on a complete generation, and readers
 * never see a half-written index.
 */
const CURRENT = "CURRENT";

/** The live generation's folder, or null when the folder holds no committed index. */
export function currentGeneration(indexDir: string): string | null {
  let name: string;
  try {
    name = readFileSync(join(indexDir, CURRENT), "utf8").trim();
  } catch {
    return null;
  }
  const dir = join(indexDir, name);
  return name && existsSync(dir) ? dir : null;
}

/** Builds a new generation with `write(dir)` and makes it the live one. */
export async function commitGeneration<T>(indexDir: string, write: (dir: string) => Promise<T>): Promise<T> {
  mkdirSync(indexDir, { recursive: true });
  const name = `gen-${Date.now().toString(36)}-${process.pid}`;
  const staging = join(indexDir, `${name}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  let result: T;
  try {
    result = await write(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  renameSync(staging, join(indexDir, name));
  const pointer = join(indexDir, `${CURRENT}.${process.pid}.tmp`);
  writeFileSync(pointer, name + "\n");
  renameSync(pointer, join(indexDir, CURRENT));
  removeStale(indexDir, name);
  return result;
}

/** Removes generations other than the live one, and staging folders of writers that are gone. */
function removeStale(indexDir: string, live: string): void {
  for (const entry of readdirSync(indexDir)) {
    if (!entry.startsWith("gen-") || entry === live) continue;
    const pid = Number(/-(\d+)\.tmp$/.exec(entry)?.[1]);
    if (entry.endsWith(".tmp") && pid !== process.pid && processAlive(pid)) continue;
    rmSync(join(indexDir, entry), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
