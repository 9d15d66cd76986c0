/**
 * Every limit a request can reach, in one table: the library checks its own (k, seeds, text), and
 * the CLI's options, the HTTP schemas and the MCP schemas all read theirs from here, so a limit
 * changes in one place.
 */
export const LIMITS = {
  /** Results one library call may return (k of search, related, recommend; a list page). */
  maxK: 1000,
  /** Results one network request (HTTP, MCP) may ask for. */
  maxResults: 100,
  /** Results when a request does not say. */
  defaultResults: 10,
  /** Recommendations when a request does not say. */
  recommendDefault: 20,
  /** Papers a list page holds when a request does not say. */
  listDefault: 20,
  /** Characters in a question. */
  maxQuestion: 1_000,
  /** Characters in a text (a draft abstract for related or recommend). */
  maxText: 20_000,
  /** Characters in a paper id (records with longer ids are skipped when read). */
  maxIdLength: 200,
  /** Likes, and unlikes, in one recommend request. */
  maxSeeds: 100,
  /** Listing days a feed's `days` may reach back. */
  maxFeedDays: 366,
  /** Papers one export names by id. */
  maxExport: 100,
  /** Papers `ask` draws evidence from when a request does not say, and at most (each adds sentences to embed). */
  askDefaultK: 5,
  maxAskK: 20,
  /** Tokens (words × 1.3, as src/corpus/passages.ts counts) a whole `ask` answer may take: by default, and the range allowed. */
  askDefaultBudget: 600,
  minAskBudget: 50,
  maxAskBudget: 10_000,
} as const;
