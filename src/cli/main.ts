/** The `papers` command line: global options, and the commands (one file per group, in ./commands/). */
import { Command, Option } from "commander";
import { addAskCommand } from "./commands/ask.js";
import { addCitationCommands } from "./commands/citations.js";
import { addDescribeCommands } from "./commands/describe.js";
import { addFeedCommand } from "./commands/feed.js";
import { addFetchCommands } from "./commands/fetch.js";
import { addIndexingCommands } from "./commands/indexing.js";
import { addLikesCommands } from "./commands/likes.js";
import { addQueryCommands } from "./commands/query.js";
import { addServingCommands } from "./commands/serving.js";
import { addWatchCommand } from "./commands/watch.js";
import { fail } from "./run.js";

const program = new Command("papers")
  .description("Offline semantic search over research-paper abstracts")
  .option("--index <dir>", "index folder (default: $PAPERS_INDEX, else index/ in a checkout, else ~/.local/share/papers/index)")
  .option("--store <url>", "keep the index in PostgreSQL (postgresql://USER@HOST/DB, ?host=/socket/dir, ?schema=NAME) or a folder (default: $PAPERS_STORE, else --index)")
  .option("--models <dir>", "models folder in transformers.js layout, looked in first (default: $PAPERS_MODELS)")
  .option("--offline", "never use the network; a model not on disk is an error (also $PAPERS_OFFLINE=1)")
  .option("--model <name>", "embedding model: all-MiniLM-L6-v2 (default), all-mpnet-base-v2, a Hub id or a model folder")
  .addOption(new Option("--dtype <dtype>", "model weights: q8 (default, shipped) or fp32").choices(["fp32", "q8"]))
  .showHelpAfterError(false)
  // Usage mistakes read like every other error: one line, prefixed with the program's name.
  .configureOutput({ outputError: (message, write) => write(`papers: ${message.replace(/^error: /, "")}`) });

addIndexingCommands(program);
addFetchCommands(program);
addQueryCommands(program);
addAskCommand(program);
addCitationCommands(program);
addLikesCommands(program);
addFeedCommand(program);
addDescribeCommands(program);
addServingCommands(program);
addWatchCommand(program);

program.parseAsync(process.argv).catch(fail);
