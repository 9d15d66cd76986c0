/**
 * One writer per index: a second `papers index` or `papers remove` fails at once naming the pid
 * that holds the lock (or waits, with --wait); a killed writer leaves nothing that blocks the
 * next; readers take no lock and keep answering while writers commit.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { WriterLock } from "../src/store/folder/lock.js";
import { CLI, REPO, SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

const SAMPLE = join(REPO, "test", "fixtures", "formats", "arxiv-cs-sample.jsonl");
const env = () => ({ ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" });

interface Writer {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string }>;
}

function startWriter(args: string[]): Writer {
  const child = spawn(process.execPath, [CLI, ...args], { env: env(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.resume();
  const exited = new Promise<{ code: number | null; stdout: string }>((resolve) => child.once("close", (code) => resolve({ code, stdout })));
  return { child, exited };
}

/** Resolves once the writer has the lock: it has written its pid beside it. */
async function holdsLock(index: string, writer: Writer): Promise<void> {
  const file = join(index, "writer.pid");
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if (JSON.parse(readFileSync(file, "utf8")).pid === writer.child.pid) return;
    } catch {
      // not yet written
    }
    if (writer.child.exitCode !== null || Date.now() > deadline) throw new Error("the writer never took the lock");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectOneLine(result: { status: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^papers: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

describe("the writer lock", () => {
  const root = tempDir();
  const index = join(root, "index");

  beforeAll(() => {
    expect(runCli(["--index", index, "index", SEEDS]).status).toBe(0);
  });

  it("fails a second writer at once, naming the first one's pid, while readers keep answering", async () => {
    const first = startWriter(["--index", index, "index", SEEDS, SAMPLE, "--rebuild", "--checkpoint-every", "8"]);
    await holdsLock(index, first);
    const busy = new RegExp(`is being written by process ${first.child.pid} \\(since [^)]+\\): wait for it to finish, or add --wait`);
    expectOneLine(runCli(["--index", index, "index", SEEDS]), busy);
    expectOneLine(runCli(["--index", index, "remove", "2402.11226"]), busy);
    expect(first.child.exitCode).toBeNull(); // the second ones did not wait for it

    let reads = 0;
    let running = true;
    void first.exited.then(() => (running = false));
    // runCli blocks the event loop; the pause lets it notice the writer's exit.
    for (; running; await new Promise((r) => setTimeout(r, 10))) {
      const info = runCli(["--index", index, "info", "--json"]);
      expect(info.stderr).toBe("");
      expect([30, 34]).toContain(JSON.parse(info.stdout).count);
      const hits = runCli(["--index", index, "search", "decoding", "-k", "1", "--mode", "lexical", "--json"]);
      expect(hits.stderr).toBe("");
      expect(JSON.parse(hits.stdout)).toHaveLength(1);
      reads++;
    }
    expect(reads).toBeGreaterThan(0);
    expect((await first.exited).code).toBe(0);
    expect(JSON.parse(runCli(["--index", index, "info", "--json"]).stdout).count).toBe(34);
    expect(existsSync(join(index, "writer.pid"))).toBe(false);
  });

  it("with --wait, waits for the writer and then runs", async () => {
    const first = startWriter(["--index", index, "index", SEEDS, SAMPLE, "--rebuild", "--checkpoint-every", "8", "--json"]);
    await holdsLock(index, first);
    const second = startWriter(["--index", index, "index", SEEDS, SAMPLE, "--wait", "--json"]);
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect([a.code, b.code]).toEqual([0, 0]);
    // It ran after the first had committed: everything was already there.
    expect(JSON.parse(b.stdout)).toMatchObject({ added: 0, unchanged: 34, embedded: 0, papers: 34 });
  });

  it("is not left behind by a writer killed while holding it", async () => {
    const writer = startWriter(["--index", index, "index", SEEDS, "--rebuild", "--checkpoint-every", "8"]);
    await holdsLock(index, writer);
    writer.child.kill("SIGKILL");
    await writer.exited;
    // Its pid file is still there, naming a dead process; the lock itself died with it.
    expect(JSON.parse(readFileSync(join(index, "writer.pid"), "utf8")).pid).toBe(writer.child.pid);
    const started = Date.now();
    const rerun = runCli(["--index", index, "remove", "2402.11226", "--json"]);
    expect(rerun.stderr).toBe("");
    expect(JSON.parse(rerun.stdout)).toEqual({ removed: 1, papers: 33 });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("ignores a leftover pid file naming a dead process, or a live unrelated one (a reused pid)", () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    for (const pid of [dead, process.pid]) {
      writeFileSync(join(index, "writer.pid"), JSON.stringify({ pid, since: "2020-01-01T00:00:00.000Z" }));
      const result = runCli(["--index", index, "index", SEEDS, SAMPLE, "--json"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    }
  });

  it("keeps two writers apart within one process too", async () => {
    const dir = join(root, "in-process");
    const lock = await WriterLock.acquire(dir);
    await expect(WriterLock.acquire(dir)).rejects.toMatchObject({
      code: "INDEX_BUSY",
      message: expect.stringContaining(`by process ${process.pid}`),
    });
    lock.release();
    (await WriterLock.acquire(dir)).release();
  });

  it("lets readers open the index throughout commits, without errors", async () => {
    const stop = join(root, "stop-reading");
    // A reader that opens and reads the index as fast as it can until told to stop.
    const reader = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { openIndex } from ${JSON.stringify(join(REPO, "dist", "papers.js"))};
         import { existsSync } from "node:fs";
         let opened = 0; const failures = [];
         while (!existsSync(${JSON.stringify(stop)})) {
           try { const index = await openIndex({ indexDir: ${JSON.stringify(index)} }); index.list(); await index.close(); opened++; }
           catch (error) { failures.push(error.message); }
         }
         console.log(JSON.stringify({ opened, failures: failures.slice(0, 3), failed: failures.length }));`,
      ],
      { env: env(), stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    reader.stdout!.on("data", (chunk) => (out += chunk));
    const done = new Promise((r) => reader.once("exit", r));
    let commits = 0;
    for (let i = 0; i < 3; i++) {
      expect(runCli(["--index", index, "remove", "2404.09336"]).status).toBe(0);
      expect(runCli(["--index", index, "index", SEEDS]).status).toBe(0);
      commits += 2;
    }
    writeFileSync(stop, "");
    await done;
    const result = JSON.parse(out);
    expect(commits).toBe(6);
    expect(result).toMatchObject({ failed: 0, failures: [] });
    expect(result.opened).toBeGreaterThan(20);
  });
});
