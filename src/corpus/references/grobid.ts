/**
 * A GROBID server as the reader of reference lists (`papers index --grobid URL`). GROBID's service
 * API (Grobid-service.md): `GET /api/isalive` answers `true`; `POST /api/processReferences` takes
 * the PDF as the multipart field `input` (with `consolidateCitations=0`: no calls to CrossRef,
 * and `includeRawCitations=1`: the printed text too) and answers TEI (grobid-tei.ts), 204 when it
 * found no references, 503 while all its threads are busy (asked again after a wait, as its
 * documentation says).
 *
 * What fails how: a server that does not answer before the run starts is an error
 * (GROBID_UNAVAILABLE), since the user asked for it; one PDF it fails on (an error status, a
 * timeout, TEI that does not parse) keeps the built-in reader's references, with a note naming
 * the file and why.
 */
import { PapersError } from "../../errors.js";
import { teiReferences } from "./grobid-tei.js";
import type { Reference } from "./reference.js";

/** Why GROBID gave nothing for one PDF. */
export class GrobidProblem extends Error {}

export interface GrobidOptions {
  /** How long one request may take, in milliseconds. */
  timeoutMs?: number;
  /** Waits before asking again after a 503 (busy), in milliseconds. */
  busyWaitsMs?: readonly number[];
}

const DEFAULTS = { timeoutMs: 120_000, busyWaitsMs: [3_000, 6_000, 12_000] };

/** The server's base URL, checked: http or https, no trailing slash. */
export function grobidBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PapersError("BAD_OPTION", `--grobid wants a server's URL, like http://localhost:8070, not "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new PapersError("BAD_OPTION", `--grobid wants an http or https URL, not "${url}"`);
  return parsed.href.replace(/\/+$/, "");
}

/** Throws GROBID_UNAVAILABLE unless the server answers `true` at /api/isalive. */
export async function checkGrobid(url: string, options: GrobidOptions = {}): Promise<void> {
  const base = grobidBase(url);
  let answer: string;
  try {
    const response = await fetch(`${base}/api/isalive`, { signal: AbortSignal.timeout(Math.min(options.timeoutMs ?? DEFAULTS.timeoutMs, 10_000)) });
    answer = response.ok ? (await response.text()).trim() : `HTTP ${response.status}`;
  } catch (error) {
    answer = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
  }
  if (answer !== "true") {
    throw new PapersError(
      "GROBID_UNAVAILABLE",
      `no GROBID server answers at ${base} (${base}/api/isalive: ${answer.slice(0, 200)}): start one (e.g. docker run -p 8070:8070 grobid/grobid) or index without --grobid to use the built-in reader`,
    );
  }
}

/** The references GROBID reads from one PDF; throws GrobidProblem saying why it gave none. */
export async function grobidReferences(url: string, pdf: Uint8Array, name: string, options: GrobidOptions = {}): Promise<Reference[]> {
  const base = grobidBase(url);
  const waits = options.busyWaitsMs ?? DEFAULTS.busyWaitsMs;
  for (let attempt = 0; ; attempt++) {
    const form = new FormData();
    form.append("input", new Blob([pdf], { type: "application/pdf" }), name);
    form.append("consolidateCitations", "0");
    form.append("includeRawCitations", "1");
    let response: Response;
    try {
      response = await fetch(`${base}/api/processReferences`, { method: "POST", body: form, headers: { accept: "application/xml" }, signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULTS.timeoutMs) });
    } catch (error) {
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      throw new GrobidProblem(`no answer from ${base}/api/processReferences (${cause})`);
    }
    if (response.status === 503 && attempt < waits.length) {
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, waits[attempt]));
      continue;
    }
    if (response.status === 204) return [];
    const body = await response.text();
    if (!response.ok) throw new GrobidProblem(`HTTP ${response.status} from ${base}/api/processReferences${body ? `: ${body.replace(/\s+/g, " ").slice(0, 200)}` : ""}`);
    try {
      return teiReferences(body);
    } catch (error) {
      throw new GrobidProblem(`${base}/api/processReferences answered what is not GROBID's TEI: ${(error as Error).message}`);
    }
  }
}
