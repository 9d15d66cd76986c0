/** The likes commands: like, unlike (each one commit to the index's saved likes), and likes (what is saved). */
import type { Command } from "commander";
import { clearLikes, likePapers, openIndex, storeLocation, unlikePapers, type LikesSummary, type PapersOptions } from "../../papers.js";
import { likesAnswerJson } from "../../requests/answers.js";
import { likedPapers } from "../../requests/likes.js";
import { formatLikes, json } from "../format.js";
import { jsonOption, waitOption } from "../options.js";
import { run, withIndex, type OutputFlags } from "../run.js";

export function addLikesCommands(program: Command): void {
  program
    .command("like")
    .description("save papers you like with the index (feed and the page use them); --clear takes back a like or an unlike")
    .argument("<ids...>", "paper ids, arXiv ids or arxiv.org links")
    .option("--clear", "forget these papers' likes and unlikes instead: neither liked nor unliked")
    .addOption(waitOption())
    .addOption(jsonOption())
    .action(run(async (ids: string[], flags: OutputFlags, options: PapersOptions) => {
      const summary = flags.clear ? await clearLikes(ids, { ...options, wait: flags.wait }) : await likePapers(ids, { ...options, wait: flags.wait });
      report(flags.clear ? "Cleared" : "Liked", summary, flags, options);
    }));

  program
    .command("unlike")
    .description("save papers you do not want more of with the index (a like of theirs is taken back)")
    .argument("<ids...>", "paper ids, arXiv ids or arxiv.org links")
    .addOption(waitOption())
    .addOption(jsonOption())
    .action(run(async (ids: string[], flags: OutputFlags, options: PapersOptions) => {
      report("Unliked", await unlikePapers(ids, { ...options, wait: flags.wait }), flags, options);
    }));

  program
    .command("likes")
    .description("list the papers liked and unliked, and saved ones no longer in the index")
    .addOption(jsonOption())
    .action(run(async (flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const likes = await likedPapers(index);
        console.log(flags.json ? json(likesAnswerJson(likes)) : formatLikes(likes, storeLocation(options)));
      });
    }));
}

function report(done: string, summary: LikesSummary, flags: OutputFlags, options: PapersOptions): void {
  const { ids, changed, saved } = summary;
  if (flags.json) return console.log(json({ ids, changed, liked: saved.liked, unliked: saved.unliked }));
  const unchanged = ids.length - changed;
  console.log(
    `${done} ${ids.length} ${ids.length === 1 ? "paper" : "papers"}${unchanged > 0 ? ` (${unchanged} already so)` : ""}; ` +
      `${saved.liked.length} liked and ${saved.unliked.length} unliked in ${storeLocation(options)}`,
  );
}
