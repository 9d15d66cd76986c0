/**
 * MCP over stdin/stdout, one JSON-RPC message a line. The SDK's own stdio transport drops a line it
 * cannot read (invalid JSON, `params: null`, an object as id) without an answer, so the client
 * waits forever, and it adds a 'drain' listener per message written while stdout is full (Node's
 * MaxListenersExceededWarning under load). This one answers every unreadable line with a JSON-RPC
 * error (-32700 parse error, -32600 invalid request: a short reason, never a schema dump), and
 * waits for 'drain' with one listener however many messages are waiting.
 */
import process from "node:process";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** A line longer than this is refused (and skipped to its end) rather than buffered. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Skipping the rest of a line that was too long. */
  private skipping = false;
  private drained: Promise<void> | null = null;
  private closed = false;

  constructor(
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
  };

  private readonly onError = (error: Error) => this.onerror?.(error);

  async start(): Promise<void> {
    this.input.on("data", this.onData);
    this.input.on("error", this.onError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.output.write(`${JSON.stringify(message)}\n`)) return this.drained ?? Promise.resolve();
    // One listener for every message written while the pipe is full.
    this.drained ??= new Promise<void>((resolve) =>
      this.output.once("drain", () => {
        this.drained = null;
        resolve();
      }),
    );
    return this.drained;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off("data", this.onData);
    this.input.off("error", this.onError);
    if (this.input.listenerCount("data") === 0) this.input.pause();
    this.pending = [];
    this.onclose?.();
  }

  private take(piece: Buffer): void {
    if (this.skipping || piece.length === 0) return;
    this.pendingBytes += piece.length;
    if (this.pendingBytes > MAX_LINE_BYTES) {
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
      void this.send(errorReply(null, INVALID_REQUEST, `invalid request: a message is over ${MAX_LINE_BYTES} bytes`));
      return;
    }
    this.pending.push(piece);
  }

  private endLine(): void {
    const line = Buffer.concat(this.pending).toString("utf8").replace(/\r$/, "");
    this.pending = [];
    this.pendingBytes = 0;
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (line.trim() === "") return;
    const read = readMessage(line);
    if ("message" in read) this.onmessage?.(read.message);
    else void this.send(read.error);
  }
}

/** A line as a JSON-RPC message, or the error to answer it with. */
export function readMessage(line: string): { message: JSONRPCMessage } | { error: JSONRPCMessage } {
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

function errorReply(id: string | number | null, code: number, message: string): JSONRPCMessage {
  // The SDK's type wants an id; JSON-RPC answers a message whose id cannot be read with null.
  return { jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage;
}
