/**
 * `papers mcp`: the MCP server over stdin/stdout, for agents that start papers as a child process.
 * stdout carries the protocol and nothing else: anything a library prints with console.log goes
 * to stderr, as do papers' own lines. Each call answers from the newest index generation (a
 * LiveIndex that reads CURRENT at call time), so a `papers index` run meanwhile is seen without a
 * restart. One client can pipeline any number of calls: past the HTTP server's limit on questions
 * in hand, stdin is read no further until answers have gone out (see LineTransport).
 */
import { openOrBuildIndex, storeLocation, type PapersOptions } from "../papers.js";
import { DEFAULT_CORPUS_DIR } from "../settings.js";
import { LiveIndex, warmUp } from "../requests/live-index.js";
import { DEFAULT_MAX_PENDING, SearchGate } from "../requests/search-gate.js";
import { createMcpServer } from "./server.js";
import { LineTransport } from "./stdio-transport.js";

/** Serves until the client closes stdin (or SIGINT/SIGTERM), then closes the index. */
export async function serveMcpStdio(options: PapersOptions, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<void> {
  // A stray console.log from any library would corrupt the protocol stream.
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  const index = await openOrBuildIndex(options, [DEFAULT_CORPUS_DIR]);
  const source = new LiveIndex(index, options, { checkOnUse: true, log, warn: log });
  const gate = new SearchGate(DEFAULT_MAX_PENDING);
  // Over stdio the client is local: answers may name files.
  const server = createMcpServer(source, { logError: log, paths: true, answer: (key, compute) => gate.run(key, compute) });
  const transport = new LineTransport(DEFAULT_MAX_PENDING);
  await server.connect(transport);
  const info = index.info();
  log(`papers: MCP server on stdio: ${info.count} papers (${info.model}) from ${storeLocation(options)}`);
  // Loads the model now, so that the first question does not wait for it.
  const warming = warmUp(index).catch((error: unknown) => log(`papers: ${error instanceof Error ? error.message : String(error)}`));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.stdin.once("end", stop);
    process.stdin.once("close", stop);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  // Requests read before stdin ended are answered first.
  await transport.idle();
  await server.close();
  // A client may leave at once: the model must not be disposed of while it is still loading.
  await warming;
  await source.close();
}
