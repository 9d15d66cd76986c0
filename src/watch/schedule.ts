/**
 * When watch runs a batch: events only ask for one; a batch starts once the events have been quiet
 * for `quietMs` (a burst of files, a file still being written), never two at once, and events
 * during a batch ask for one more after it. A failed batch is tried again after a growing pause,
 * event or not: the work is always a catch-up, so running it again is always right.
 */
export interface ScheduleSettings {
  /** Quiet time after the last event before a batch starts. */
  quietMs: number;
  /** Longest a stream of events (a file that never stops growing) may hold a batch back. */
  maxDelayMs: number;
  /** First pause before trying a failed batch again; it doubles up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
}

export type BatchWork<K extends string> = (kinds: ReadonlySet<K>) => Promise<void>;

export class BatchSchedule<K extends string> {
  private readonly due = new Set<K>();
  private timer: NodeJS.Timeout | null = null;
  private firstEventAt: number | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly settings: ScheduleSettings,
    private readonly work: BatchWork<K>,
  ) {}

  /** Something of `kind` changed: a batch for it starts after the next quiet window. */
  request(kind: K): void {
    if (this.closed) return;
    this.due.add(kind);
    this.firstEventAt ??= Date.now();
    if (this.running) return; // the batch's end looks at `due` again
    this.arm(this.settings.quietMs);
  }

  /** Runs a batch for `kinds` now (startup's catch-up), or right after the one running. */
  requestNow(...kinds: K[]): void {
    for (const kind of kinds) this.due.add(kind);
    this.firstEventAt = 0; // past any delay: the next arm fires at once
    if (!this.running) this.arm(0);
  }

  /** Whether a batch is running. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** No more batches; resolves when the one running (if any) has ended. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private arm(delayMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    // A file that keeps changing must not hold everything else back for ever.
    const waited = this.firstEventAt === null ? 0 : Date.now() - this.firstEventAt;
    const delay = Math.max(0, Math.min(delayMs, this.settings.maxDelayMs - waited));
    this.timer = setTimeout(() => this.start(), delay);
  }

  private start(): void {
    this.timer = null;
    if (this.closed || this.running || this.due.size === 0) return;
    const kinds = new Set(this.due);
    this.due.clear();
    this.firstEventAt = null;
    this.running = this.work(kinds).then(
      () => {
        this.failures = 0;
      },
      () => {
        // The work reported its failure; what it was asked to do is due again after a pause.
        for (const kind of kinds) this.due.add(kind);
        this.failures++;
      },
    ).finally(() => {
      this.running = null;
      if (this.closed || this.due.size === 0) return;
      if (this.failures > 0) {
        const retry = Math.min(this.settings.retryMs * 2 ** (this.failures - 1), this.settings.maxRetryMs);
        this.firstEventAt = null;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.start(), retry);
      } else {
        this.arm(this.settings.quietMs);
      }
    });
  }
}
