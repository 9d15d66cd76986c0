/**
 * The index a long-running front end answers from, kept current without a restart: the HTTP
 * server, MCP over stdio, MCP over HTTP (and a `watch` process) all use this one class.
 *
 * A writer commits a new generation by swapping CURRENT (and then deletes the old one, which stays
 * readable through what the reader holds open). When CURRENT names a new generation, that one is
 * opened and its model warmed up beside the old one, then swapped in for new requests; the old one
 * is closed once its last request is done. CURRENT is read on a timer (a server, which has idle
 * time to fill) or before each request (`checkOnUse`: stdio, one client and no idle time). A new
 * generation that cannot be opened (damaged, say) leaves the old one answering, `info()` says so,
 * and it is tried again when CURRENT changes or after `retryFailedMs`.
 */
import { PapersError, openIndex, type IndexInfo, type PaperIndex, type PapersOptions } from "../papers.js";

export interface ServedInfo extends IndexInfo {
  /** The generation answers come from (`gen-…` for a folder). */
  generation: string;
  /** The generation CURRENT names, when it is not the one served: being opened, or failed to open. */
  newerGeneration: string | null;
  /** Why the newer generation is not served, when opening it failed. */
  reloadError: string | null;
}

/** Where a front end's answers come from: one fixed index, or a LiveIndex. */
export interface IndexSource {
  /**
   * Runs `work` with the index to answer from; that index stays open until `work` settles.
   * `generation` names it: a cache key made with it can never outlive the answers it keys.
   */
  use<T>(work: (index: PaperIndex, generation: string) => Promise<T> | T): Promise<T>;
  /**
   * The served index's info, taken when it was opened: a re-index deletes the old generation's
   * folder while it is still served, and PaperIndex.info() is not read again.
   */
  info(): ServedInfo;
  /**
   * The options naming the index, for the one write a front end makes (likes, through the
   * library); absent when the caller opened a fixed index and writes go elsewhere.
   */
  readonly options?: PapersOptions;
  /** Looks for a new generation now and serves it before resolving (after a write through `options`). */
  refresh?(): Promise<void>;
}

/** The question a new generation's model answers before it serves, so that its first request is fast. */
const WARM_UP = "warm up the model";

/** Loads an index's model by answering one question; what a front end does before it serves. */
export async function warmUp(index: PaperIndex): Promise<void> {
  await index.search(WARM_UP, 1);
}

/**
 * An index that never changes (the caller opened it and closes it). Keyed by its generation, not
 * its location: under PostgreSQL every generation has the same location.
 */
export function fixedIndex(index: PaperIndex, options?: PapersOptions): IndexSource {
  const generation = index.generation;
  const info: ServedInfo = { ...index.info(), generation, newerGeneration: null, reloadError: null };
  return { use: async (work) => work(index, generation), info: () => ({ ...info }), options };
}

export function isIndexSource(value: unknown): value is IndexSource {
  return typeof (value as IndexSource).use === "function" && typeof (value as IndexSource).info === "function";
}

export interface LiveIndexOptions {
  /** How often CURRENT is read, in ms, when not `checkOnUse`. Default 1000. */
  checkEveryMs?: number;
  /** Read CURRENT before each request instead of on a timer. */
  checkOnUse?: boolean;
  /** A generation that failed to open is tried again after this long, in ms (at once if CURRENT changes). Default 60 s. */
  retryFailedMs?: number;
  /** Gets a line when a new generation is served. */
  log?: (line: string) => void;
  /** Gets a line when a new generation fails to open. */
  warn?: (line: string) => void;
}

interface Served {
  index: PaperIndex;
  generation: string;
  /** Taken when opened: the folder may be deleted while it is still served. */
  info: IndexInfo;
  /** Requests using it right now. */
  leases: number;
  retired: boolean;
}

export class LiveIndex implements IndexSource {
  private served: Served;
  private readonly closing = new Set<Promise<void>>();
  private latest: string | null;
  private failed: { generation: string; message: string; at: number } | null = null;
  private reloading: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    index: PaperIndex,
    readonly options: PapersOptions,
    private readonly settings: LiveIndexOptions = {},
  ) {
    this.served = serve(index);
    this.latest = this.served.generation;
    if (!settings.checkOnUse) {
      this.timer = setInterval(() => {
        this.check().catch((error: unknown) => settings.warn?.(`papers: checking for a new index generation failed: ${String(error)}`));
      }, settings.checkEveryMs ?? 1000);
      // Checking must never keep a process alive on its own.
      this.timer.unref();
    }
  }

  /** The index answering new requests now. */
  get current(): PaperIndex {
    return this.served.index;
  }

  async use<T>(work: (index: PaperIndex, generation: string) => Promise<T> | T): Promise<T> {
    this.refuseIfClosed();
    if (this.settings.checkOnUse) {
      await this.check();
      this.refuseIfClosed();
    }
    const served = this.served;
    served.leases++;
    try {
      return await work(served.index, served.generation);
    } finally {
      served.leases--;
      if (served.retired && served.leases === 0) this.closeServed(served);
    }
  }

  info(): ServedInfo {
    const newer = this.latest !== null && this.latest !== this.served.generation ? this.latest : null;
    const reloadError = newer !== null && this.failed?.generation === newer ? this.failed.message : null;
    return { ...this.served.info, generation: this.served.generation, newerGeneration: newer, reloadError };
  }

  /** Reads CURRENT and starts opening the generation it names if that is new; resolves when done. */
  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.reloading) return this.reloading;
    this.reloading = this.checkNow().finally(() => (this.reloading = null));
    return this.reloading;
  }

  /**
   * After a write: waits for a check already under way (it may have read CURRENT before the
   * write), then checks again, so the generation just committed is served when this resolves
   * (unless it fails to open: then the old one still answers, and info() says why).
   */
  async refresh(): Promise<void> {
    await this.reloading;
    await this.check();
  }

  /** Stops checking and closes every index it holds, once the requests using them are done. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.reloading;
    this.served.retired = true;
    if (this.served.leases === 0) this.closeServed(this.served);
    await Promise.all([...this.closing]);
  }

  private refuseIfClosed(): void {
    if (this.closed) throw new PapersError("INDEX_CLOSED", "the index was closed: this server is shutting down, start it again to query the index");
  }

  private async checkNow(): Promise<void> {
    const name = await this.served.index.latestGeneration();
    // No CURRENT (the folder was removed): keep serving what is open.
    if (name === null) return;
    this.latest = name;
    if (this.latest === this.served.generation) return;
    // One retry policy: a generation that failed is tried again once CURRENT names another, or after a while.
    const retryAfter = this.settings.retryFailedMs ?? 60_000;
    if (this.failed?.generation === this.latest && Date.now() - this.failed.at < retryAfter) return;
    await this.reload();
  }

  private async reload(): Promise<void> {
    let next: PaperIndex | undefined;
    let info: IndexInfo;
    try {
      next = await openIndex(this.options);
      info = next.info();
      if (next.generation !== this.served.generation) await warmUp(next);
    } catch (error) {
      await next?.close().catch(() => {});
      const generation = next ? next.generation : (this.latest ?? "");
      const message = error instanceof Error ? error.message : String(error);
      this.failed = { generation, message, at: Date.now() };
      this.settings.warn?.(`papers: cannot open the new index generation ${generation}, still serving ${this.served.generation}: ${message}`);
      return;
    }
    const generation = next.generation;
    if (generation === this.served.generation || this.closed) {
      await next.close();
      return;
    }
    const old = this.served;
    this.served = serve(next, info);
    this.latest = generation;
    this.failed = null;
    old.retired = true;
    if (old.leases === 0) this.closeServed(old);
    this.settings.log?.(`papers: now serving ${info.count} papers from ${generation} (was ${old.generation})`);
  }

  private closeServed(served: Served): void {
    served.leases = -1; // closed once only
    const closing = served.index.close().catch(() => {});
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}

function serve(index: PaperIndex, info: IndexInfo = index.info()): Served {
  return { index, generation: index.generation, info, leases: 0, retired: false };
}
