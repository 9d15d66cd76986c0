/**
 * `papers fetch arxiv`: arXiv metadata harvested into the index (src/arxiv/ does the protocol).
 *
 * - A set is harvested with OAI-PMH ListRecords, and each page is committed as it comes, in one
 *   update of the store: its records added or replaced, its deleted records removed, and the
 *   datestamp reached saved as the index's named state (per endpoint and set), all in one commit.
 *   So memory holds one page at a time, and a run killed at any moment leaves the last committed
 *   page standing: the next run continues `from` the saved datestamp (inclusive: that day's
 *   records come again and are counted unchanged), with no duplicates and nothing lost.
 * - `ids` look single papers up with the arXiv API (Atom), in one commit.
 * - Papers from arXiv carry one source: the endpoint (or API) URL they came from. arXiv's metadata
 *   replaces only papers that came from arXiv that way; a paper of the same id read from a file
 *   (a JSONL, BibTeX, a snapshot, Zotero, a PDF) is left as it is, and its id is reported in `kept`.
 *   A deleted record likewise removes only a paper that came from arXiv.
 */
import { ARXIV_OAI_ENDPOINT, checkWindow, harvest } from "../../arxiv/harvest.js";
import { ARXIV_API_ENDPOINT, lookupArxiv } from "../../arxiv/atom.js";
import { ArxivError, type PoliteOptions } from "../../arxiv/polite-fetch.js";
import { arxivPaper, type ArxivRecord } from "../../arxiv/record.js";
import type { Paper } from "../../corpus/paper.js";
import { borrowedEmbedder, type Embedder } from "../../embed/embedder.js";
import { PapersError } from "../../errors.js";
import { openStore } from "../../store/open-store.js";
import { STATE_ARTIFACT, parseIndexState, type IndexState } from "../../store/shared/index-state.js";
import type { IndexStore, StoreModel, UpdateSummary } from "../../store/store.js";
import type { IndexOptions } from "../types.js";
import { indexModel } from "./index-papers.js";

export interface FetchArxivOptions extends Omit<IndexOptions, "rebuild"> {
  /** OAI-PMH sets (`cs`, `cs:cs:CL`, `math`, `physics:hep-th`), each harvested in turn. */
  sets?: readonly string[];
  /** First datestamp, inclusive (YYYY-MM-DD); default: where the last run of that set got to. */
  from?: string;
  /** Last datestamp, inclusive (YYYY-MM-DD). */
  until?: string;
  /** OAI-PMH base URL; default ARXIV_OAI_ENDPOINT. */
  endpoint?: string;
  /** arXiv ids looked up with the API instead of a harvest. */
  ids?: readonly string[];
  /** The API's query URL; default ARXIV_API_ENDPOINT. */
  api?: string;
  /** The pause between requests (`delayMs`, 3 s by default), retries and backoff. */
  polite?: PoliteOptions;
}

/** How far one set's harvest got. */
export interface FetchedSet {
  set: string;
  endpoint: string;
  /** The `from` the harvest started at: the option, else the saved datestamp, else null (everything). */
  from: string | null;
  until: string | null;
  /** The datestamp saved for the next run: the highest harvested so far, by any run. */
  datestamp: string | null;
  harvested: number;
}

export interface FetchArxivSummary {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Records received (deleted headers not counted). */
  harvested: number;
  /** Deleted headers received. */
  deleted: number;
  added: number;
  /** Papers whose text or metadata changed (a new version, a journal-ref added). */
  updated: number;
  /** Papers received again as they are stored. */
  unchanged: number;
  /** Papers removed (their record came deleted). */
  removed: number;
  /** Ids held by a paper that did not come from arXiv: left as they are. */
  kept: string[];
  /** With `ids`: the ids the API did not return. */
  missing: string[];
  /** Papers embedded by this run. */
  embedded: number;
  /** Commits (new generations) written. */
  commits: number;
  /** Papers in the index afterwards (null when nothing was ever written). */
  papers: number | null;
  sets: FetchedSet[];
  seconds: number;
}

/** Where a fetch is: records harvested so far in this set, and its list size when the server says. */
export interface FetchProgress {
  set: string | null;
  harvested: number;
  total: number | null;
  datestamp: string | null;
}

/** The name the harvest state of (endpoint, set) is kept under (see store/shared/index-state.ts). */
export function harvestStateName(endpoint: string, set: string | null): string {
  return `arxiv-oai ${endpoint} ${set ?? "*"}`;
}

/** Whether a stored paper came from arXiv by `fetch arxiv` (its sources are the URLs it came from). */
export function fromArxiv(paper: Paper): boolean {
  return paper.sources.length > 0 && paper.sources.every((source) => /^https?:\/\//i.test(source.file));
}

/** Harvests the sets (or looks up the ids) the options name into the index; see the file's comment. */
export async function fetchArxiv(options: FetchArxivOptions, onProgress?: (progress: FetchProgress) => void): Promise<FetchArxivSummary> {
  const sets = options.sets ?? [];
  const ids = options.ids ?? [];
  if ((sets.length > 0) === (ids.length > 0)) throw new PapersError("BAD_OPTION", "give --set (harvest a set, e.g. cs or cs:cs:CL) or --id (look papers up), one of the two");
  if (ids.length > 0 && (options.from !== undefined || options.until !== undefined)) throw new PapersError("BAD_OPTION", "--from and --until select a harvest's window: use them with --set, not --id");
  // Mistakes in the options are told before the store is opened (a folder made) or a request sent.
  checkWindow(options);
  const started = performance.now();
  const store = await openStore(options);
  const run = new FetchRun(store, options);
  try {
    await run.prepare();
    if (ids.length > 0) await run.lookup(ids, onProgress);
    else for (const set of sets) await run.harvestSet(set, onProgress);
    return { ...run.summary, papers: run.papers, seconds: (performance.now() - started) / 1000 };
  } finally {
    await run.dispose();
    await store.close();
  }
}

class FetchRun {
  readonly summary: Omit<FetchArxivSummary, "papers" | "seconds"> = {
    requests: 0, harvested: 0, deleted: 0, added: 0, updated: 0, unchanged: 0, removed: 0, kept: [], missing: [], embedded: 0, commits: 0, sets: [],
  };
  papers: number | null = null;
  private model!: StoreModel;
  private load!: () => Promise<Embedder>;
  private state: IndexState = {};
  private embedder: Promise<Embedder> | null = null;

  constructor(
    private readonly store: IndexStore,
    private readonly options: FetchArxivOptions,
  ) {}

  async prepare(): Promise<void> {
    ({ model: this.model, load: this.load } = await indexModel(this.store, this.options));
    if (await this.store.liveGeneration()) {
      const reader = await this.store.open();
      try {
        this.state = parseIndexState(await reader.artifact(STATE_ARTIFACT), reader.location);
        this.papers = reader.manifest.count;
      } finally {
        await reader.close();
      }
    }
  }

  async harvestSet(set: string, onProgress?: (progress: FetchProgress) => void): Promise<void> {
    const endpoint = this.options.endpoint ?? ARXIV_OAI_ENDPOINT;
    const name = harvestStateName(endpoint, set);
    const saved = savedDatestamp(this.state[name]);
    if (this.options.from === undefined && saved !== null && this.options.until !== undefined && saved > this.options.until) {
      throw new PapersError("BAD_OPTION", `set ${set} is harvested up to ${saved} already, after --until ${this.options.until}: give --from to harvest an earlier window again`);
    }
    const entry: FetchedSet = { set, endpoint, from: this.options.from ?? saved, until: this.options.until ?? null, datestamp: saved, harvested: 0 };
    this.summary.sets.push(entry);
    const requestsBefore = this.summary.requests;
    const source = { file: endpoint, line: 0 };
    try {
      for await (const page of harvest({ ...this.options.polite, endpoint, set, from: entry.from, until: entry.until })) {
        this.summary.requests = requestsBefore + page.requests;
        // A back-filled window (an earlier --from) never moves the saved datestamp back.
        const datestamp = later(entry.datestamp, page.datestamp);
        await this.commit(page.records, page.deleted.map((d) => d.id), source, { [name]: { endpoint, set, datestamp } });
        entry.datestamp = datestamp;
        entry.harvested += page.records.length;
        this.summary.harvested += page.records.length;
        this.summary.deleted += page.deleted.length;
        onProgress?.({ set, harvested: entry.harvested, total: page.completeListSize, datestamp });
      }
    } catch (error) {
      if (error instanceof ArxivError) {
        this.summary.requests = requestsBefore + error.progress.requests;
        const kept = entry.datestamp ? `set ${set} is committed up to datestamp ${entry.datestamp}, where the next run continues` : `nothing of set ${set} was committed`;
        throw new ArxivError(error.code, `${error.message} The index holds every page committed before (${this.summary.commits} commits this run): ${kept}.`, error.progress);
      }
      throw error;
    }
  }

  async lookup(ids: readonly string[], onProgress?: (progress: FetchProgress) => void): Promise<void> {
    const api = this.options.api ?? ARXIV_API_ENDPOINT;
    const found = await lookupArxiv(ids, { ...this.options.polite, api });
    this.summary.requests = found.requests;
    this.summary.harvested = found.records.length;
    this.summary.missing = found.missing;
    onProgress?.({ set: null, harvested: found.records.length, total: ids.length, datestamp: null });
    await this.commit(found.records, [], { file: api, line: 0 }, undefined);
  }

  /** One page: its records written, its deleted ids removed, and the state, in one commit. */
  private async commit(records: readonly ArxivRecord[], deleted: readonly string[], source: Paper["sources"][number], state: IndexState | undefined): Promise<void> {
    const gone = new Set(deleted.map((id) => id.toLowerCase()));
    const papers = records.map((record) => arxivPaper(record, source));
    const before = await this.store.liveGeneration();
    const result: UpdateSummary = await this.store.update(papers, this.model, () => this.sharedEmbedder(), {
      checkpointEvery: this.options.checkpointEvery,
      wait: this.options.wait,
      // Topics are computed when asked for (or by `papers index`), not once a page; a stored map is extended.
      computeMap: this.options.computeMap ?? false,
      removeIf: (paper) => gone.has(paper.id.toLowerCase()) && fromArxiv(paper),
      keepStored: (stored) => !fromArxiv(stored),
      state,
    });
    const refreshed = result.refreshed ?? 0;
    this.summary.added += result.added;
    this.summary.updated += result.updated + refreshed;
    this.summary.unchanged += result.unchanged - refreshed;
    this.summary.removed += result.removed;
    this.summary.embedded += result.embedded;
    this.summary.kept.push(...(result.kept ?? []));
    if ((await this.store.liveGeneration()) !== before) this.summary.commits++;
    this.papers = result.manifest.count;
  }

  /** One model for the whole run, however many pages: each update would load and dispose its own. */
  private async sharedEmbedder(): Promise<Embedder> {
    this.embedder ??= this.load();
    return borrowedEmbedder(await this.embedder);
  }

  async dispose(): Promise<void> {
    const embedder = this.embedder;
    this.embedder = null;
    if (embedder) await (await embedder.catch(() => null))?.dispose();
  }
}

/** The datestamp a saved state holds, or null. */
function savedDatestamp(value: unknown): string | null {
  const datestamp = (value as { datestamp?: unknown } | undefined)?.datestamp;
  return typeof datestamp === "string" && /^\d{4}-\d{2}-\d{2}$/.test(datestamp) ? datestamp : null;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
