/**
 * `papers serve`: opens (or first builds) the index, loads the model, and answers HTTP until
 * SIGINT or SIGTERM.
 */
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { PapersError, openOrBuildIndex, type PapersOptions } from "../papers.js";
import { DEFAULT_CORPUS_DIR } from "../settings.js";
import { buildServer, type ServerOptions } from "./app.js";
import { LiveIndex, warmUp, type LiveIndexOptions } from "../requests/live-index.js";
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback, type ServeFlags } from "./listen.js";
import type { Watching, WatchTargets } from "../watch/index.js";

export { DEFAULT_HOST, DEFAULT_PORT, isLoopback, parsePort, type ServeFlags } from "./listen.js";

/** Knobs the CLI leaves at their defaults (tests turn them down). */
export interface ServeTuning extends Pick<ServerOptions, "timeouts" | "maxPending" | "cacheBytes"> {
  reload?: Pick<LiveIndexOptions, "checkEveryMs" | "retryFailedMs">;
}

export interface ServeOutput {
  /** Request lines and the startup line (stdout for the CLI). */
  log: (line: string) => void;
  /** Warnings and unexpected errors (stderr for the CLI). */
  warn: (line: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  /** The index served, following new generations as `papers index` commits them. */
  live: LiveIndex;
  /** Where it listens, e.g. http://127.0.0.1:8080/ */
  url: string;
  /** Stops taking connections, lets requests in flight finish, closes the index. */
  close(): Promise<void>;
}

const stdio: ServeOutput = {
  log: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Opens the index (building it from the seeds on first use, as `search` does), loads the model
 * with one warm-up question so the first request is fast, and listens.
 */
export async function startServer(
  options: PapersOptions,
  flags: ServeFlags = {},
  output: ServeOutput = stdio,
  tuning: ServeTuning = {},
): Promise<RunningServer> {
  const port = flags.port ?? DEFAULT_PORT;
  const host = flags.host ?? DEFAULT_HOST;
  if (flags.exposePaths && !isLoopback(host)) {
    throw new PapersError("BAD_OPTION", `--expose-paths shows this machine's file paths to clients: use it only with a loopback --host (127.0.0.1, ::1 or localhost), not ${host}`);
  }
  if (!isLoopback(host)) {
    output.warn(`papers: warning: listening on ${host}, which is not a loopback address: other machines can query this index`);
  }
  const index = await openOrBuildIndex(options, [DEFAULT_CORPUS_DIR]);
  if (index.recovered) output.warn(`papers: warning: ${index.recovered}; \`papers index\` makes CURRENT name it again`);
  let app: FastifyInstance | undefined;
  let live: LiveIndex | undefined;
  try {
    await warmUp(index);
    live = new LiveIndex(index, options, { ...tuning.reload, log: output.log, warn: output.warn });
    const { timeouts, maxPending, cacheBytes } = tuning;
    app = buildServer(live, { log: output.log, logError: output.warn, cors: flags.cors, exposePaths: flags.exposePaths, timeouts, maxPending, cacheBytes });
    try {
      await app.listen({ port, host });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PapersError("CANNOT_LISTEN", `cannot listen on ${host}:${port} (${reason}): choose another --port or --host`);
    }
  } catch (error) {
    await app?.close();
    await (live ? live.close() : index.close());
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  const info = index.info();
  output.log(`papers: serving ${info.count} papers (${info.model}) at ${url}`);
  if (flags.cors) output.log(`papers: pages from ${flags.cors} may call the API (CORS)`);
  const running = app;
  const served = live;
  return {
    app: running,
    live: served,
    url,
    close: async () => {
      try {
        await running.close();
      } finally {
        await served.close();
      }
    },
  };
}

/** What the CLI runs: serves until SIGINT or SIGTERM, then shuts down and exits 0. */
export async function serveUntilStopped(options: PapersOptions, flags: ServeFlags, output: ServeOutput = stdio): Promise<void> {
  const { server, watching } = flags.watch ? await serveFollowing(options, flags, flags.watch, output) : { server: await startServer(options, flags, output), watching: undefined };
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    output.log(`papers: ${signal}: shutting down`);
    // Requests in flight get a few seconds to finish; a second signal ends it at once.
    const force = setTimeout(() => {
      output.warn("papers: shutdown took too long, exiting");
      process.exit(1);
    }, 10_000);
    force.unref();
    process.once(signal, () => process.exit(130));
    // A watch batch running gets a few seconds too, then is left: the store commits all or nothing.
    const watchStopped = watching ? Promise.race([watching.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000).unref())]) : Promise.resolve();
    watchStopped.then(() => server.close()).then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      (error: unknown) => {
        output.warn(`papers: error while shutting down: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/**
 * `serve --watch`: the watch front end in the server's process. Its startup catch-up runs first
 * (it builds the index from the folders on a first run); then each batch's commit is served at
 * once, the live index checking for it rather than waiting for its next tick.
 */
async function serveFollowing(options: PapersOptions, flags: ServeFlags, targets: WatchTargets, output: ServeOutput): Promise<{ server: RunningServer; watching: Watching }> {
  const { formatReport, watchLibrary } = await import("../watch/index.js");
  let server: RunningServer | undefined;
  const watching = await watchLibrary(options, targets, {
    batch: (report) => {
      output.warn(formatReport(report));
      if (report.changed) server?.live.refresh().catch(() => {}); // the timer tries again
    },
    note: output.warn,
  });
  try {
    await watching.caughtUp;
    // The watched folders are the library: never the seeds in their place when they gave no index.
    server = await startServer({ ...options, buildIfMissing: false }, flags, output);
  } catch (error) {
    await watching.close();
    throw error;
  }
  return { server, watching };
}
