/**
 * `papers serve` as a user runs it: a child process that refuses a folder named with --index
 * that holds no index (the seeds are built only into the default one), prints where it listens, logs a line per request, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Starts `papers serve` and waits for its "serving … at URL" line. */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, ...args, "serve", "--port", "0"], {
    env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`papers serve did not start in time:\n${out}\n${err}`)), 180_000);
    const check = () => {
      const match = /^papers: serving \d+ papers \(.+\) at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, stdout: () => out, stderr: () => err, exited });
      }
    };
    child.stdout!.on("data", check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`papers serve exited with ${code} before it was ready:\n${out}\n${err}`));
    });
  });
}

describe("papers serve", () => {
  const index = join(tempDir("papers-serve-"), "index");

  it("refuses a named folder without an index, then serves the index built there, logs and stops cleanly on SIGTERM", async () => {
    const refused = runCli(["--index", index, "serve", "--port", "0"]);
    expect(refused).toMatchObject({ status: 1, stdout: "" });
    expect(refused.stderr).toBe(`papers: no index at ${index}: run \`papers index [paths...]\` first\n`);
    expect(runCli(["--index", index, "index", SEEDS]).status).toBe(0);
    const server = await serve(["--index", index]);
    expect(server.stdout()).toMatch(/^papers: serving 30 papers \(Xenova\/all-MiniLM-L6-v2\) at /m);

    const search = await fetch(`${server.url}api/search?q=speculative+decoding&k=3`);
    expect(search.status).toBe(200);
    expect(((await search.json()) as { results: unknown[] }).results).toHaveLength(3);
    expect((await fetch(`${server.url}nope`)).status).toBe(404);

    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const lines = server.stdout().trimEnd().split("\n");
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^GET \/api\/search\?q=speculative\+decoding&k=3 200 \d+\.\d ms$/),
      expect.stringMatching(/^GET \/nope 404 \d+\.\d ms$/),
      "papers: SIGTERM: shutting down",
    ]);
    expect(server.stderr()).toBe("");
  });

  it("stops cleanly on SIGINT, and refuses a port in use with one clear line", async () => {
    const server = await serve(["--index", index]);
    const port = new URL(server.url).port;
    const second = runCli(["--index", index, "serve", "--port", port]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^papers: cannot listen on 127\\.0\\.0\\.1:${port} \\(.*EADDRINUSE.*\\): choose another --port or --host\\n$`));
    expect((await fetch(`${server.url}healthz`)).status).toBe(200);

    server.child.kill("SIGINT");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toMatch(/papers: SIGINT: shutting down\n$/);
  });

  it("warns when the address is not a loopback one", () => {
    // 192.0.2.1 (TEST-NET-1) is never assigned to this machine: the warning comes, then the bind fails.
    const result = runCli(["--index", index, "serve", "--host", "192.0.2.1", "--port", "0"]);
    expect(result.status).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^papers: warning: listening on 192\.0\.2\.1, which is not a loopback address/);
    expect(lines[1]).toMatch(/^papers: cannot listen on 192\.0\.2\.1:0 \(.*EADDRNOTAVAIL.*\)/);
    expect(lines).toHaveLength(2);
  });

  it("refuses a bad port", () => {
    const result = runCli(["serve", "--port", "70000"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^papers: option '--port <n>' argument '70000' is invalid\. give a port number from 0 to 65535/);
  });
});
