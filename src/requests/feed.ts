/**
 * The feed request, for every front end: new papers for the likes (given, or the saved ones),
 * and the feed as a document: the JSON answer, a Markdown digest, an HTML page or an Atom feed.
 */
import { formatFeed, type Feed, type FeedFormat, type FeedRequest, type PaperIndex } from "../papers.js";
import { paperAnswer, type AnswerOptions } from "./answers.js";

export async function feedPapers(index: PaperIndex, request: FeedRequest): Promise<Feed> {
  const { since, until, days, like, unlike, k } = request;
  return index.feed({ since, until, days, like, unlike, k });
}

/** The answer as `--format json` and the JSON API give it: the window, the likes, the method and its words, and the papers with why. */
export function feedAnswerJson(feed: Feed, options: AnswerOptions): Record<string, unknown> {
  const { since, until, like, unlike, saved, method, candidates, why } = feed;
  return {
    since,
    until,
    like,
    unlike,
    saved,
    method,
    candidates,
    why,
    results: feed.items.map((item) => ({ ...paperAnswer(item, options, item.score), nearest: item.nearest, words: item.words })),
  };
}

/**
 * The feed as one document of the format. JSON escapes DEL and the C1 controls JSON.stringify
 * leaves raw, as the exports do, so no format writes a control character to a terminal.
 */
export function feedDocument(feed: Feed, format: FeedFormat, options: AnswerOptions & { now?: Date }): string {
  if (format !== "json") return formatFeed(feed, format, { now: options.now ?? new Date() });
  const text = JSON.stringify(feedAnswerJson(feed, options), null, 2) + "\n";
  return text.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
