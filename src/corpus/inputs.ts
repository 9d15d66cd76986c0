/**
 * Inputs: paths expanded into files (folders recursively, hidden and temporary entries skipped), `-` for
 * stdin, and each file opened as a byte stream, gunzipped when it is gzip (by its magic bytes,
 * not its name), with its first bytes peeked for format detection.
 */
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { PapersError } from "../errors.js";
import { GENERATION_MARK, INDEX_MARK } from "../paths.js";
import { formatBytes, GZIP_RATIO_GRACE } from "./input-limits.js";
import type { Skipped } from "./paper.js";

/** The path that means standard input. */
export const STDIN_PATH = "-";
/** How standard input is named in sources and reports. */
export const STDIN_NAME = "<stdin>";

export interface InputFile {
  /** The path to open, or "-" for stdin. */
  path: string;
  /** The name records and reports carry: the path as found, or "<stdin>". */
  name: string;
}

/** Bytes peeked to recognise a format. */
export const HEAD_BYTES = 64 * 1024;

/**
 * Names of files no reader and no watcher should take: hidden ones (`.name`, which covers
 * LibreOffice's `.~lock.…#` and Emacs's `.#name`), Office's owner files (`~$name`), editor
 * backups and swap files (`name~`, `*.swp`), and downloads or copies still being written
 * (`*.tmp`, `*.part`, `*.crdownload`).
 */
export function isIgnoredFileName(name: string): boolean {
  return name.startsWith(".") || name.startsWith("~$") || name.endsWith("~") || IGNORED_SUFFIXES.some((suffix) => name.toLowerCase().endsWith(suffix));
}

const IGNORED_SUFFIXES = [".tmp", ".part", ".crdownload", ".swp"];

/**
 * How recent a modification time may be and still be trusted. File systems keep times in coarse
 * ticks (a few milliseconds on Linux, 2 s on FAT; Zotero's are whole seconds), so a file written
 * again within the tick its stamp was taken in keeps the same stamp ("racy git"): a stamp this
 * close to the moment it was taken is saved as one no later stamp matches, so the next run hashes
 * (or reads) the file again.
 */
export const RACY_MS = 2_000;

/** Whether a modification time `mtimeMs` is too close to `checkedAt` (when it was read) to be trusted. */
export function isRacy(mtimeMs: number, checkedAt: number): boolean {
  return mtimeMs > checkedAt - RACY_MS;
}

/**
 * Expands paths into files. Inside folders, names isIgnoredFileName picks are passed over
 * (a file named explicitly is still read). A path given that does not exist or cannot be listed is an error
 * (UNREADABLE_FILE); an entry inside a folder that cannot be read is skipped and reported.
 *
 * Every folder and file is visited once, by device and inode: a symlink loop (`ln -s .. up`)
 * ends, and a file reached twice (named twice, or through a link) is read once. Each repeat is
 * reported as "repeated", naming what it repeats.
 */
export function expandPaths(paths: readonly string[]): { files: InputFile[]; skipped: Skipped[] } {
  const files: InputFile[] = [];
  const skipped: Skipped[] = [];
  /** dev:ino of every folder and file visited, and the path it was first reached by. */
  const seen = new Map<string, string>();
  const once = (path: string, stat: { dev: number; ino: number }, what: string): boolean => {
    const key = `${stat.dev}:${stat.ino}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, path);
      return true;
    }
    skipped.push({ file: path, line: null, reason: `${what} already read as ${first}: read once`, kind: "repeated" });
    return false;
  };
  const visit = (path: string, given: boolean): void => {
    if (given && path === STDIN_PATH) {
      files.push({ path, name: STDIN_NAME });
      return;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      if (given) throw unreadable(path, error);
      skipped.push({ file: path, line: null, reason: `cannot read: ${reasonOf(error)}`, kind: "file" });
      return;
    }
    if (!stat.isDirectory()) {
      // Sockets, FIFOs and devices inside folders are not inputs; given by name (<(zcat …)) they are.
      // A pipe has no second reading, so only regular files are kept apart by inode.
      if (stat.isFile() ? once(path, stat, "file") : given) files.push({ path, name: path });
      return;
    }
    if (!once(path, stat, "folder (a symlink loop, or named twice)")) return;
    // An index kept inside a library folder (or a generation of one) is papers' own, not a paper.
    if (!given && (existsSync(join(path, INDEX_MARK)) || existsSync(join(path, GENERATION_MARK)))) {
      skipped.push({ file: path, line: null, reason: "a papers index folder: not read as input", kind: "note" });
      return;
    }
    let entries: string[];
    try {
      entries = readdirSync(path).sort();
    } catch (error) {
      if (given) throw unreadable(path, error);
      skipped.push({ file: path, line: null, reason: `cannot list folder: ${reasonOf(error)}`, kind: "file" });
      return;
    }
    for (const name of entries) if (!isIgnoredFileName(name)) visit(join(path, name), false);
  };
  for (const path of paths) visit(path, true);
  return { files, skipped };
}

export interface OpenedInput {
  /** The decompressed bytes, from the start (the head included). */
  stream: Readable;
  /** The first HEAD_BYTES decompressed bytes (fewer when the input is shorter). */
  head: Buffer;
  /** Whether the head is the whole input. */
  complete: boolean;
  /** "gzip" when the input was gunzipped. */
  compression: "gzip" | null;
}

/** Compressions recognised by their magic bytes but not read: the user must decompress first. */
const UNREAD_COMPRESSIONS: [string, number[]][] = [
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["zip", [0x50, 0x4b, 0x03, 0x04]],
  ["7z", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
];

function startsWith(head: Buffer, magic: number[]): boolean {
  return head.length >= magic.length && magic.every((byte, i) => head[i] === byte);
}

/** An input over a size limit (inflated, or read whole): the reader stops and skips the rest. */
export class InputTooLarge extends Error {}

/**
 * Passes inflated bytes through, and fails with InputTooLarge once more than `limits.maxBytes`
 * have passed, or (past GZIP_RATIO_GRACE) more than `limits.maxRatio` times the compressed bytes
 * read so far.
 */
function inflateLimit(limits: GzipLimits, compressed: () => number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) {
        done(new InputTooLarge(`inflates to more than the limit of ${formatBytes(limits.maxBytes)} for a .gz input (PAPERS_MAX_GZIP_INFLATED_BYTES): a decompression bomb?`));
      } else if (bytes > GZIP_RATIO_GRACE && bytes > limits.maxRatio * compressed()) {
        done(new InputTooLarge(`inflates to more than ${limits.maxRatio} times its compressed size (PAPERS_MAX_GZIP_RATIO; text inflates 3 to 10 times): a decompression bomb?`));
      } else done(null, chunk);
    },
  });
}

/** Counts the bytes that pass. */
function byteCounter(): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

/** How far a .gz input may inflate (see InputLimits). */
export interface GzipLimits {
  maxBytes: number;
  maxRatio: number;
}

/**
 * Opens an input; throws UNREADABLE_FILE when it cannot be read at all. A gzip input is inflated
 * as it is read, and stops with InputTooLarge past the `gzip` limits (a decompression bomb).
 */
export async function openInput(input: InputFile, stdin: Readable = process.stdin, gzip: GzipLimits = { maxBytes: Infinity, maxRatio: Infinity }): Promise<OpenedInput | { reason: string }> {
  const raw = input.path === STDIN_PATH ? stdin : createReadStream(input.path, { highWaterMark: HEAD_BYTES });
  let peeked: Peeked;
  try {
    peeked = await peek(raw, HEAD_BYTES);
  } catch (error) {
    throw unreadable(input.name, error);
  }
  if (peeked.head[0] === 0x1f && peeked.head[1] === 0x8b) {
    const compressed = byteCounter();
    const gunzip = pipeline(peeked.rest, compressed, createGunzip(), inflateLimit(gzip, () => compressed.bytes), () => {});
    try {
      const inner = await peek(gunzip, HEAD_BYTES);
      return { stream: inner.rest, head: inner.head, complete: inner.complete, compression: "gzip" };
    } catch (error) {
      if (error instanceof InputTooLarge) return { reason: error.message };
      return { reason: `gzip data is corrupt: ${(error as Error).message}` };
    }
  }
  const other = UNREAD_COMPRESSIONS.find(([, magic]) => startsWith(peeked.head, magic));
  if (other) {
    peeked.rest.destroy();
    return { reason: `compressed with ${other[0]}: decompress it first (gzip is read directly)` };
  }
  return { stream: peeked.rest, head: peeked.head, complete: peeked.complete, compression: null };
}

interface Peeked {
  head: Buffer;
  complete: boolean;
  rest: Readable;
}

/** Reads at least `bytes` bytes (or to the end) and gives them back with a stream of the whole. */
async function peek(stream: Readable, bytes: number): Promise<Peeked> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let size = 0;
  let complete = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      complete = true;
      break;
    }
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* whole(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (complete) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield typeof next.value === "string" ? Buffer.from(next.value) : next.value;
      }
    } finally {
      // Stopping early (or failing) releases the file.
      if (!complete) await iterator.return?.();
    }
  }
  return { head, complete, rest: Readable.from(whole(), { objectMode: false }) };
}

/** Reads a stream to its end as bytes (a PDF); throws InputTooLarge past `maxBytes`, `what` saying which limit. */
export async function readAllBytes(stream: Readable, maxBytes = Infinity, what = "the limit"): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      size += bytes.length;
      if (size > maxBytes) throw new InputTooLarge(`over ${formatBytes(maxBytes)}, ${what}`);
      chunks.push(bytes);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** Reads a stream to its end as UTF-8 text, without a byte-order mark; see readAllBytes. */
export async function readAllText(stream: Readable, maxBytes = Infinity, what = "the limit"): Promise<string> {
  return (await readAllBytes(stream, maxBytes, what)).toString("utf8").replace(/^\uFEFF/, "");
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file or folder" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a folder" : String((error as Error).message);
}

export function unreadable(path: string, error: unknown): PapersError {
  return new PapersError("UNREADABLE_FILE", `cannot read ${path}: ${reasonOf(error)}`);
}
