/**
 * Disk trouble is a clear error, not "unexpected error": a full disk (a real 3 MB tmpfs), a
 * read-only file system (the same tmpfs remounted read-only) and a folder the user may not write
 * (a real non-root user). The old index keeps answering, and a run that ran out of space leaves
 * no checkpoint filling the disk.
 *
 * Mounting needs root (CAP_SYS_ADMIN); where it is not allowed those tests are skipped, saying so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPaper, type Paper } from "../src/corpus/paper.js";
import { indexPaperList, isPapersError, openIndex, removePapers } from "../src/papers.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { REPO, tempDir } from "./helpers.js";

const mountPoint = join(tempDir("papers-disk-"), "small");
mkdirSync(mountPoint);
const canMount = (() => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint], { stdio: "pipe" });
    return true;
  } catch (error) {
    console.warn(`hardening-disk: skipping the full-disk and read-only tests: cannot mount a tmpfs here (${String((error as Error).message).trim()}); they need root`);
    return false;
  }
})();
afterAll(() => {
  if (canMount) execFileSync("umount", ["-l", mountPoint]);
});

const indexDir = join(mountPoint, "index");
const options = { indexDir, embedder: hashEmbedderLoader() };
const words = "ice sheet glacier melt ocean current salinity plankton krill albedo permafrost tundra".split(" ");
const papers = (n: number, from: number, length: number): Paper[] =>
  Array.from({ length: n }, (_, i) => {
    let abstract = `Paper ${from + i}:`;
    for (let w = 0; abstract.length < length; w++) abstract += ` ${words[(from + i + w * 7) % words.length]}${(from * 31 + i * 17 + w) % 1000}`;
    return newPaper({ id: `d-${from + i}`, abstract, sources: [] });
  });

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isPapersError(error), `not a PapersError: ${String((error as Error)?.stack ?? error)}`).toBe(true);
  return error as { code: string; message: string };
}

async function answersAsBefore(): Promise<void> {
  const index = await openIndex(options);
  try {
    expect(index.info().count).toBe(50);
    expect(await index.search("glacier melt", 3)).toHaveLength(3);
  } finally {
    await index.close();
  }
}

describe.skipIf(!canMount)("on a 3 MB tmpfs", () => {
  beforeAll(async () => {
    await indexPaperList(papers(50, 0, 300), [], options);
  });

  it("running out of space while embedding is DISK_FULL, and the checkpoint filling the disk is removed", async () => {
    const error = await failure(indexPaperList(papers(20_000, 1000, 300), [], options));
    expect(error.code).toBe("DISK_FULL");
    expect(error.message).toContain(indexDir);
    expect(error.message).toMatch(/no space left .*still answers as before.*free some space, or give --index a folder on another disk/);
    expect(readdirSync(indexDir).filter((e) => e.startsWith("checkpoint"))).toEqual([]);
    await answersAsBefore();
  });

  it("running out of space while writing the new generation is DISK_FULL too, leaving no staging folder or checkpoint", async () => {
    // Few papers (the checkpoint fits), long abstracts (the new papers.db does not).
    const error = await failure(indexPaperList(papers(3000, 50_000, 1500), [], options));
    expect(error.code).toBe("DISK_FULL");
    expect(readdirSync(indexDir).filter((e) => e.endsWith(".tmp") || e.startsWith("checkpoint"))).toEqual([]);
    expect(readdirSync(indexDir).filter((e) => e.startsWith("gen-"))).toHaveLength(1);
    await answersAsBefore();
  });

  it("a read-only file system is READ_ONLY, for indexing and removing, and the index still answers", async () => {
    execFileSync("mount", ["-o", "remount,ro", mountPoint]);
    try {
      const error = await failure(indexPaperList(papers(1, 90_000, 300), [], options));
      expect(error.code).toBe("READ_ONLY");
      expect(error.message).toMatch(/is on a read-only file system.*remount it read-write, or give --index a writable folder/);
      expect((await failure(removePapers(["d-1"], options))).code).toBe("READ_ONLY");
      await answersAsBefore();
    } finally {
      execFileSync("mount", ["-o", "remount,rw", mountPoint]);
    }
  });
});

describe("permissions", () => {
  const asNobody = spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).status === 0 && process.getuid?.() === 0;

  it.skipIf(!asNobody)("a folder the user may not write is NO_PERMISSION, naming it (run as the real user nobody)", () => {
    const locked = join(tempDir("papers-perm-"), "index");
    mkdirSync(locked);
    chmodSync(join(locked, ".."), 0o755);
    chmodSync(locked, 0o755);
    const script = `
      const { indexPaperList } = await import(${JSON.stringify(join(REPO, "dist", "papers.js"))});
      const spec = { id: "t/one-hot", dimension: 4, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true };
      const embedder = { describe: async () => spec, load: async () => ({ model: spec, dtype: "q8", embedDocuments: async (t) => t.map(() => Float32Array.from([1, 0, 0, 0])), embedQuery: async () => Float32Array.from([1, 0, 0, 0]), embedQueries: async (t) => t.map(() => Float32Array.from([1, 0, 0, 0])), dispose: async () => {} }) };
      const paper = { id: "p", title: null, abstract: "A paper.", arxivId: null, doi: null, journalRef: null, comments: [], authors: [], categories: [], year: null, sources: [] };
      try { await indexPaperList([paper], [], { indexDir: process.argv[1], embedder }); console.log("written"); }
      catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script, locked], { encoding: "utf8", uid: 65534, gid: 65534, cwd: "/" });
    expect(result.stderr).toBe("");
    const error = JSON.parse(result.stdout);
    expect(error.code).toBe("NO_PERMISSION");
    expect(error.message).toMatch(new RegExp(`no permission to write ${locked}.*run papers as a user who may write there`));
    expect(existsSync(join(locked, "writer.pid"))).toBe(false);
  });

  it("EACCES and EPERM from the system map to NO_PERMISSION, naming the file", async () => {
    const { diskError } = await import("../src/store/folder/disk-errors.js");
    for (const code of ["EACCES", "EPERM"]) {
      const mapped = diskError(Object.assign(new Error(code), { code, path: "/idx/writer.pid" }), "/idx");
      expect(isPapersError(mapped) && mapped.code).toBe("NO_PERMISSION");
      expect((mapped as Error).message).toMatch(/^no permission to write \/idx\/writer\.pid/);
    }
    const other = new Error("something else");
    expect(diskError(other, "/idx")).toBe(other);
  });
});
