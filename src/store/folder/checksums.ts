import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

import type { FileChecksum, FileChecksums } from "../shared/manifest.js";

/**
 * Why a file does not match its checksum, or null when it does. The size is compared first, so a
 * truncated file costs one stat; otherwise the file is hashed in 1 MiB chunks (SHA-256 runs at
 * about 1.4 GB/s here with SHA-NI: ~75 ms for 100 MB, and far less than loading the file).
 */
export function checksumProblem(dir: string, name: string, expected: FileChecksum): string | null {
  const path = join(dir, name);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return `${name} missing`;
    throw error;
  }
  if (size !== expected.size) return `${name} is ${size} bytes, not ${expected.size}`;
  return checksumFile(path).sha256 === expected.sha256 ? null : `${name} checksum mismatch`;
}

export function checksumFiles(dir: string, names: readonly string[]): FileChecksums {
  return Object.fromEntries(names.map((name) => [name, checksumFile(join(dir, name))]));
}

export function checksumFile(path: string): FileChecksum {
  const fd = openSync(path, "r");
  try {
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; size += n) hash.update(buffer.subarray(0, n));
    return { size, sha256: hash.digest("hex") };
  } finally {
    closeSync(fd);
  }
}
