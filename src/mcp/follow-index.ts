/**
 * The index `papers mcp` answers from, following `papers index`: before each tool call, CURRENT
 * is read (one small file); when it names a new generation, that one is opened and its model
 * warmed up, then it answers this call and the next ones, and the old one is closed once the
 * calls using it are done. A new generation that cannot be opened leaves the old one answering
 * (and is tried again when CURRENT changes again). `papers serve` has its own, timer-driven
 * LiveIndex; a stdio server has one client and no idle time to fill, so checking at call time
 * is enough.
 */
import { openIndex, type IndexInfo, type PaperIndex, type PapersOptions } from "../papers.js";
import type { McpIndexSource } from "./server.js";

interface Served {
  index: PaperIndex;
  generation: string;
  /** Taken when opened: a later re-index deletes the folder. */
  info: IndexInfo;
  leases: number;
  retired: boolean;
}

export class FollowingIndex implements McpIndexSource {
  private served: Served;
  private opening: Promise<void> | null = null;
  private failed: string | null = null;
  private readonly closing = new Set<Promise<void>>();

  constructor(
    index: PaperIndex,
    private readonly options: PapersOptions,
    private readonly log: (line: string) => void,
  ) {
    this.served = serve(index);
  }

  async use<T>(work: (index: PaperIndex, generation: string) => Promise<T> | T): Promise<T> {
    await this.follow();
    const served = this.served;
    served.leases++;
    try {
      return await work(served.index, served.generation);
    } finally {
      served.leases--;
      if (served.retired && served.leases === 0) this.retire(served);
    }
  }

  info(): IndexInfo {
    return this.served.info;
  }

  /** Closes every index held, once the calls using them are done. */
  async close(): Promise<void> {
    await this.opening;
    this.served.retired = true;
    if (this.served.leases === 0) this.retire(this.served);
    await Promise.all([...this.closing]);
  }

  private follow(): Promise<void> {
    if (this.opening) return this.opening;
    this.opening = this.followNow().finally(() => (this.opening = null));
    return this.opening;
  }

  private async followNow(): Promise<void> {
    const name = await this.served.index.latestGeneration();
    if (name === null || name === this.served.generation || name === this.failed) return;
    await this.open(name);
  }

  private async open(generation: string): Promise<void> {
    let next: PaperIndex | undefined;
    try {
      next = await openIndex(this.options);
      await next.search("warm up the model", 1);
    } catch (error) {
      await next?.close().catch(() => {});
      this.failed = generation;
      this.log(`papers: cannot open the new index generation ${generation}, still answering from ${this.served.generation}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const old = this.served;
    this.served = serve(next);
    this.failed = null;
    old.retired = true;
    if (old.leases === 0) this.retire(old);
    this.log(`papers: now answering from ${this.served.generation} (${this.served.info.count} papers; was ${old.generation})`);
  }

  private retire(served: Served): void {
    served.leases = -1; // closed once only
    const closing = served.index.close().catch(() => {});
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}

function serve(index: PaperIndex): Served {
  return { index, generation: index.generation, info: index.info(), leases: 0, retired: false };
}
