/**
 * Every error a user can cause, in one catalog. Each has a stable code, an HTTP status for the
 * server, and a message that says what to do. Anything else that is thrown is a bug.
 */
export const ERROR_STATUS = {
  EMPTY_QUERY: 400,
  BAD_OPTION: 400,
  UNKNOWN_ID: 404,
  NO_INDEX: 404,
  NO_INPUT: 400,
  UNREADABLE_FILE: 400,
  UNRECOGNISED_FORMAT: 400,
  UNKNOWN_MODEL: 400,
  MODEL_NOT_FOUND: 503,
  MODEL_BROKEN: 503,
  MODEL_MISMATCH: 409,
  /** `--grobid URL` names a server that does not answer: nothing was indexed. */
  GROBID_UNAVAILABLE: 503,
  INDEX_DAMAGED: 500,
  /** Written by an older papers; `papers index` upgrades it. */
  INDEX_OUTDATED: 409,
  /** Another process is writing the index (indexing or removing): one writer at a time. */
  INDEX_BUSY: 409,
  /** A long-running front end was asked after it closed its index (it is shutting down). */
  INDEX_CLOSED: 503,
  /** The disk holding the index is full: the run left the old index as it was. */
  DISK_FULL: 507,
  /** The index folder is on a read-only file system: it can be searched, not written. */
  READ_ONLY: 500,
  /** The user may not write the index folder (or a file in it). */
  NO_PERMISSION: 500,
  /** A folder or database schema holding things papers did not make: papers will not write there. */
  NOT_AN_INDEX: 409,
  /** A PostgreSQL connection string that does not parse. */
  BAD_STORE_URL: 400,
  // The HTTP server's own: a request it refuses, a route it does not have, a port it cannot use,
  // and the answer for a bug (whose details stay in the server's log).
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  /** A path the server has, asked with a method it does not answer there (the Allow header lists those). */
  METHOD_NOT_ALLOWED: 405,
  /** The client took too long to send its request. */
  REQUEST_TIMEOUT: 408,
  /** The request's headers (URL included) are over Node's limit. */
  HEADERS_TOO_LARGE: 431,
  CANNOT_LISTEN: 500,
  /** The server has as many new questions in hand as it takes: try again shortly (with Retry-After). */
  OVERLOADED: 503,
  INTERNAL: 500,
  /** The PostgreSQL server holding the index cannot be reached (down, wrong address, refused login). */
  STORE_UNREACHABLE: 503,
  /** arXiv (or the OAI-PMH/API endpoint given) could not be reached, or kept failing, after the retries. */
  ARXIV_UNREACHABLE: 502,
  /** The endpoint answered with something that is not a whole OAI-PMH or Atom document. */
  ARXIV_BAD_RESPONSE: 502,
  /** The endpoint refused the request with an OAI-PMH or API error (a bad set, date or id). */
  ARXIV_REFUSED: 400,
  /** Zotero kept writing its database while papers copied it: retry, or close Zotero. */
  ZOTERO_BUSY: 409,
  /** zotero.sqlite is damaged (a corrupt page): Zotero's own integrity check, or a backup, repairs it. */
  ZOTERO_DAMAGED: 400,
  /** A feed was asked with no liked paper, given or saved: `papers like ID` first. */
  NO_LIKES: 400,
  // `ask --llm`: the local model server generating an answer from the evidence (the extractive
  // answer is given all the same).
  /** The model server could not be reached (down, wrong address) or did not accept the connection in time. */
  LLM_UNREACHABLE: 502,
  /** The model server went silent for longer than the idle timeout. */
  LLM_TIMEOUT: 504,
  /** The model server answered with an HTTP error (a wrong model name, a wrong path). */
  LLM_HTTP_ERROR: 502,
  /** The model server's stream is not OpenAI's chat-completions SSE, or it ended mid-answer. */
  LLM_BAD_STREAM: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class PapersError extends Error {
  override readonly name = "PapersError";
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isPapersError(error: unknown): error is PapersError {
  return error instanceof PapersError;
}
