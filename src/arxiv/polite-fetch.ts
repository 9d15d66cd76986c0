/**
 * HTTP GET as arXiv asks harvesters to behave: one request at a time, a pause between requests
 * (3 s by default), a 503's (or 429's) Retry-After honoured, and network errors retried with a bounded
 * exponential backoff before a coded error that says how far the run got.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { PapersError, type ErrorCode } from "../errors.js";

export interface PoliteOptions {
  /** Pause between the end of one request and the start of the next, in ms (arXiv asks for 3 s). */
  delayMs?: number;
  /** Network errors (refused, reset, dropped mid-response, timed out, HTTP 5xx) retried this many times. */
  retries?: number;
  /** First backoff after a network error, in ms; doubled each retry, capped at maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How many 503 (or 429) answers in a row are waited out before giving up. */
  maxUnavailable?: number;
  /** The longest Retry-After honoured, in ms: a longer one ends the run with a coded error. */
  maxRetryAfterMs?: number;
  /** One request's time limit, in ms (reading the whole body included). */
  timeoutMs?: number;
  userAgent?: string;
  /** Told of every wait, so a front end can say why it is waiting. */
  onWait?: (wait: { reason: "pause" | "retry-after" | "backoff"; ms: number; request: string }) => void;
}

/** Where a harvest had got to when it failed: what a person needs to continue it. */
export interface HarvestProgress {
  /** The request that failed. */
  request: string;
  /** Requests sent so far, retries included. */
  requests: number;
  /** The highest datestamp of a page handed over whole; null if none was. */
  datestamp: string | null;
  /** The resumption token the failed request carried, if any. */
  token: string | null;
  /** Records (and deletions) handed over in whole pages. */
  records: number;
}

/** A PapersError from an arXiv client that also says how far the run got. */
export class ArxivError extends PapersError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly progress: HarvestProgress,
  ) {
    super(code, message);
  }
}

export const DEFAULT_DELAY_MS = 3000;
const DEFAULTS = { retries: 4, backoffMs: 2000, maxBackoffMs: 60_000, maxUnavailable: 10, maxRetryAfterMs: 600_000, timeoutMs: 120_000 };

export interface PoliteResponse {
  status: number;
  contentType: string;
  text: string;
}

/** A GET client that keeps arXiv's pace across every request it makes. */
export class PoliteFetch {
  /** Requests sent, retries included. */
  requests = 0;
  private lastEnd = 0;
  private readonly options: Required<Omit<PoliteOptions, "onWait" | "userAgent">> & PoliteOptions;

  constructor(options: PoliteOptions = {}) {
    this.options = { delayMs: DEFAULT_DELAY_MS, ...DEFAULTS, ...definedOnly(options) };
  }

  /**
   * The whole body of a GET. 503 is waited out (Retry-After, else backoff); network errors and
   * other 5xx are retried with backoff; after that, ARXIV_UNREACHABLE with `progress`.
   * `progress` is filled in by the caller with how far it got.
   */
  async get(url: string, progress: () => Omit<HarvestProgress, "request" | "requests">): Promise<PoliteResponse> {
    const o = this.options;
    let failures = 0;
    let unavailable = 0;
    for (;;) {
      await this.pause(url);
      this.requests++;
      let problem: string;
      try {
        const response = await fetch(url, {
          headers: { "user-agent": o.userAgent ?? "papers (offline paper search; arXiv harvester)" },
          signal: AbortSignal.timeout(o.timeoutMs),
          redirect: "follow",
        });
        // 503 is OAI-PMH's flow control (2.0, 3.1.2.2); the arXiv API throttles with 429 too.
        if (response.status === 503 || response.status === 429) {
          this.lastEnd = Date.now();
          await response.body?.cancel().catch(() => {});
          unavailable++;
          const asked = retryAfterMs(response.headers.get("retry-after"));
          const wait = asked ?? this.backoff(unavailable);
          if (unavailable > o.maxUnavailable) {
            throw this.fail("ARXIV_UNREACHABLE", `${url} answered ${response.status} (${response.status === 503 ? "unavailable" : "too many requests"}) ${unavailable} times in a row. Try again later`, url, progress);
          }
          if (wait > o.maxRetryAfterMs) {
            throw this.fail("ARXIV_UNREACHABLE", `${url} answered ${response.status} and asks to wait ${Math.ceil(wait / 1000)} s, longer than the ${Math.ceil(o.maxRetryAfterMs / 1000)} s this run waits. Try again later`, url, progress);
          }
          o.onWait?.({ reason: "retry-after", ms: wait, request: url });
          await sleep(wait);
          continue;
        }
        const text = await response.text();
        this.lastEnd = Date.now();
        if (response.status < 500) return { status: response.status, contentType: response.headers.get("content-type") ?? "", text };
        problem = `HTTP ${response.status}`;
      } catch (error) {
        this.lastEnd = Date.now();
        if (error instanceof PapersError) throw error;
        problem = describeNetworkError(error);
      }
      failures++;
      if (failures > o.retries) {
        throw this.fail(
          "ARXIV_UNREACHABLE",
          `${url} failed ${failures} times (last: ${problem}). Check the network and the endpoint, then run again: it continues from the last datestamp harvested`,
          url,
          progress,
        );
      }
      const wait = this.backoff(failures);
      o.onWait?.({ reason: "backoff", ms: wait, request: url });
      await sleep(wait);
    }
  }

  /** An ArxivError for `url` with how far the run got. */
  fail(code: ErrorCode, message: string, url: string, progress: () => Omit<HarvestProgress, "request" | "requests">): ArxivError {
    const p = { request: url, requests: this.requests, ...progress() };
    const reached = p.datestamp ? ` Harvested up to datestamp ${p.datestamp} (${p.records} records in whole pages).` : p.records > 0 ? ` ${p.records} records were harvested.` : "";
    const token = p.token ? ` Last resumption token: ${p.token}.` : "";
    return new ArxivError(code, `${message}.${reached}${token}`, p);
  }

  /** Runs `read` (a parse of a response); a PapersError from it gets how far the run got. */
  read<T>(read: () => T, url: string, progress: () => Omit<HarvestProgress, "request" | "requests">): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof PapersError) throw this.fail(error.code, error.message, url, progress);
      throw error;
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (attempt - 1));
  }

  /** Waits until `delayMs` has passed since the last request ended (never before the first). */
  private async pause(url: string): Promise<void> {
    if (this.lastEnd === 0) return;
    const wait = this.lastEnd + this.options.delayMs - Date.now();
    if (wait <= 0) return;
    this.options.onWait?.({ reason: "pause", ms: wait, request: url });
    await sleep(wait);
  }
}

/** Retry-After in ms: delay-seconds or an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "timed out";
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    // undici says "terminated" when the server closes the connection mid-body.
    if (error.message === "terminated") return `connection dropped mid-response${cause?.code ? ` (${cause.code})` : ""}`;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
