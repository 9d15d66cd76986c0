/** The commands that serve an index to other programs: serve (HTTP, with MCP at /mcp) and mcp (stdio). */
import { Option, type Command } from "commander";
import { PapersError, type PapersOptions } from "../../papers.js";
import { parseCorsOrigin } from "../../server/cors.js";
import { DEFAULT_HOST, DEFAULT_PORT, parsePort, type ServeFlags } from "../../server/listen.js";
import { optionParser, run, type OutputFlags } from "../run.js";
import { addWatchOptions, watchTargets } from "./watch.js";

export function addServingCommands(program: Command): void {
  addWatchOptions(program
    .command("serve")
    .description("serve a JSON API and a search page over HTTP (builds the seeds index on first use, in the default index folder only)")
    .addOption(new Option("--port <n>", "port to listen on (0: any free port)").default(DEFAULT_PORT).argParser(optionParser(parsePort)))
    .option("--host <address>", "address to listen on; anything but loopback lets other machines in", DEFAULT_HOST)
    .option("--cors <origin>", "let web pages from this one origin (e.g. https://example.org) call the API", optionParser(parseCorsOrigin))
    .option("--expose-paths", "let answers name files (the index's path, the files papers were read from); loopback --host only")
    .option("--watch [paths...]", "keep the index in step with these folders (and --zotero) while serving, as `papers watch` does"))
    .action(run(async (flags: OutputFlags & { watch?: string[] | boolean; poll?: boolean }, options: PapersOptions) => {
      const following = flags.zotero !== undefined || flags.poll !== undefined || flags.collection !== undefined || flags.zoteroBase !== undefined;
      if (following && flags.watch === undefined) throw new PapersError("BAD_OPTION", "--zotero, --collection, --zotero-base and --poll say what serve follows: use them with --watch");
      const watch = flags.watch === undefined ? undefined : watchTargets(flags.watch === true ? [] : (flags.watch as string[]), flags);
      // Loaded only to serve: fastify and the pages cost every other command start-up time.
      const { serveUntilStopped } = await import("../../server/serve.js");
      await serveUntilStopped(options, { ...(flags as ServeFlags), watch });
    }));

  program
    .command("mcp")
    .description("serve the index to AI agents over MCP on stdin/stdout (builds the seeds index on first use)")
    .action(run(async (_flags: OutputFlags, options: PapersOptions) => {
      // The MCP entry loads the SDK only now: it would slow every other command's start.
      const { serveMcpStdio } = await import("../../mcp/index.js");
      await serveMcpStdio(options);
    }));
}
