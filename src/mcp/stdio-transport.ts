/**
 * MCP over stdin/stdout, one JSON-RPC message a line, with what the SDK's own stdio transport
 * lacks:
 * - every line it cannot read gets a JSON-RPC error (-32700 parse error, -32600 invalid request,
 *   with a short reason, never a schema dump), where the SDK drops it and the client waits forever;
 * - a limit on requests in flight, from the moment a request is read until its answer is written
 *   out. Past it, no more lines are read (stdin is paused, so a client pipelining thousands of
 *   calls is held back by the pipe) rather than every answer being computed and held in memory;
 * - one 'drain' listener however many answers wait for a full stdout (the SDK adds one per answer:
 *   Node's MaxListenersExceededWarning under load).
 */
import process from "node:process";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** A line longer than this is refused (and skipped to its end) rather than buffered. */
const MAX_LINE_BYTES = 10 * 1024 * 1024;

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

type Id = string | number;

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  /** The pieces of the line being read. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Skipping the rest of a line that was too long. */
  private skipping = false;
  /** Lines read and not yet handled (at most what one chunk of stdin holds, since reading then stops). */
  private readonly lines: string[] = [];
  /** Requests read whose answers are not yet written out. */
  private readonly inFlight = new Set<Id>();
  private drained: Promise<void> | null = null;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly limit: number,
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer) => {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, end));
      this.endLine();
      start = end + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
    this.pump();
  };

  private readonly onError = (error: Error) => this.onerror?.(error);

  async start(): Promise<void> {
    this.input.on("data", this.onData);
    this.input.on("error", this.onError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    const answered = "id" in message && ("result" in message || "error" in message) ? (message.id as Id) : undefined;
    if (this.closed) return Promise.resolve();
    // The request counts as in flight until its answer has left the process.
    const written = this.output.write(`${JSON.stringify(message)}\n`, () => this.release(answered));
    if (written) return Promise.resolve();
    this.drained ??= new Promise<void>((resolve) =>
      this.output.once("drain", () => {
        this.drained = null;
        resolve();
      }),
    );
    return this.drained;
  }

  /** Resolves once every line read has been handled and every request answered. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off("data", this.onData);
    this.input.off("error", this.onError);
    if (this.input.listenerCount("data") === 0) this.input.pause();
    this.lines.length = 0;
    this.inFlight.clear();
    this.wakeIdle();
    this.onclose?.();
  }

  private take(piece: Buffer): void {
    if (this.skipping || piece.length === 0) return;
    this.partialBytes += piece.length;
    if (this.partialBytes > MAX_LINE_BYTES) {
      this.partial = [];
      this.partialBytes = 0;
      this.skipping = true;
      void this.send(errorReply(null, INVALID_REQUEST, `invalid request: a message is over ${MAX_LINE_BYTES} bytes`));
      return;
    }
    this.partial.push(piece);
  }

  private endLine(): void {
    const line = Buffer.concat(this.partial).toString("utf8").replace(/\r$/, "");
    this.partial = [];
    this.partialBytes = 0;
    if (this.skipping) this.skipping = false;
    else if (line.trim() !== "") this.lines.push(line);
  }

  /** Handles the lines read while there is room for more requests; stops reading stdin while there is not. */
  private pump(): void {
    while (this.lines.length > 0 && this.inFlight.size < this.limit && !this.closed) {
      const read = readMessage(this.lines.shift()!);
      if ("error" in read) {
        void this.send(read.error);
        continue;
      }
      const { message } = read;
      if ("method" in message && "id" in message) this.inFlight.add(message.id);
      // A cancelled request is not answered (the SDK drops its answer): it no longer counts.
      if ("method" in message && message.method === "notifications/cancelled") this.release((message.params as { requestId?: Id } | undefined)?.requestId);
      this.onmessage?.(message);
    }
    if (this.closed) return;
    if (this.lines.length > 0) this.input.pause();
    else this.input.resume();
    if (this.isIdle()) this.wakeIdle();
  }

  private release(id: Id | undefined): void {
    if (id === undefined || !this.inFlight.delete(id)) return;
    this.pump();
  }

  private isIdle(): boolean {
    return this.lines.length === 0 && this.inFlight.size === 0;
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** A line as a JSON-RPC message, or the error to answer it with. */
function readMessage(line: string): { message: JSONRPCMessage } | { error: JSONRPCMessage } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: errorReply(null, PARSE_ERROR, "parse error: the line is not JSON") };
  }
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (parsed.success) return { message: parsed.data };
  const record = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const id = typeof record?.id === "string" || (typeof record?.id === "number" && Number.isFinite(record.id)) ? record.id : null;
  return { error: errorReply(id, INVALID_REQUEST, `invalid request: ${invalidReason(value, record)}`) };
}

function invalidReason(value: unknown, record: Record<string, unknown> | undefined): string {
  if (Array.isArray(value)) return "batches are not supported: send one message a line";
  if (!record) return "a message must be a JSON object";
  if (record.jsonrpc !== "2.0") return 'jsonrpc must be "2.0"';
  if ("id" in record && typeof record.id !== "string" && typeof record.id !== "number") return "id must be a string or a number";
  if ("method" in record && typeof record.method !== "string") return "method must be a string";
  if ("params" in record && (typeof record.params !== "object" || record.params === null || Array.isArray(record.params))) {
    return "params must be an object, or left out";
  }
  return "not a JSON-RPC 2.0 request, notification or response";
}

function errorReply(id: Id | null, code: number, message: string): JSONRPCMessage {
  // The SDK's type wants an id; JSON-RPC answers a message whose id cannot be read with null.
  return { jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage;
}
