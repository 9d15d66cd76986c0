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
  const name = readCurrentName(indexDir);
  const dir = name && join(indexDir, name);
  return dir && existsSync(dir) ? dir : null;
}

/** Builds a new generation with `write(dir)` and makes it the live one; callers hold the writer lock. */
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

/**
 * Removes everything a writer leaves behind but the live generation: replaced generations,
 * staging folders, and the half-written `NAME.<pid>.tmp` files (CURRENT, writer.pid) of killed
 * writers. Callers hold the writer lock (lock.ts), so no other writer is writing any of them now.
 */
export function removeStale(indexDir: string, live = readCurrentName(indexDir)): void {
  for (const entry of readdirSync(indexDir)) {
    const stale = (entry.startsWith("gen-") && entry !== live) || /\.\d+\.tmp$/.test(entry);
    if (stale) rmSync(join(indexDir, entry), { recursive: true, force: true });
  }
}

function readCurrentName(indexDir: string): string | null {
  try {
    return readFileSync(join(indexDir, CURRENT), "utf8").trim() || null;
  } catch {
    return null;
  }
}
