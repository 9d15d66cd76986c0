/**
 * A client for an OpenAI-compatible chat-completions endpoint (llama.cpp's server, Ollama, vLLM,
 * all at /v1/chat/completions), streaming: the request says `stream: true`, the reply comes as
 * server-sent events, `data: {"choices": [{"delta": {"content": "…"}}]}` each, ended by
 * `data: [DONE]`. Every way it can fail is a PapersError with its own code: nothing listening
 * (LLM_UNREACHABLE), silence past the idle timeout (LLM_TIMEOUT), an HTTP error (LLM_HTTP_ERROR),
 * a stream that is not that format or stops mid-answer (LLM_BAD_STREAM). Nothing is sent anywhere
 * but the URL given.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { PapersError, type ErrorCode } from "../errors.js";
import { SseDecoder } from "./sse.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatOptions {
  /** The server: its base (http://localhost:8080), its /v1, or the whole …/chat/completions URL. */
  url: string;
  /** The model to ask for (Ollama needs one; llama.cpp's server answers with the model it loaded). */
  model?: string;
  messages: ChatMessage[];
  /** How long the server may take to accept the connection, in ms. Default 10 s. */
  connectTimeoutMs?: number;
  /** How long the server may stay silent (before its first byte, and between two), in ms. Default 120 s: a CPU may read a long prompt for a while. */
  idleTimeoutMs?: number;
  /** The most tokens the reply may take. Default 512. */
  maxTokens?: number;
}

export interface ChatReply {
  text: string;
  /** As the server named it in its chunks, or null. */
  model: string | null;
  /** stop, length, …; null when the server did not say. */
  finishReason: string | null;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** What an error message quotes of a server's answer at most. */
const QUOTE_CHARS = 300;

/** The chat-completions URL for what a user gives: a server's base, its /v1, or the endpoint itself. */
export function chatCompletionsUrl(given: string): URL {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new PapersError("BAD_OPTION", `--llm must be a URL such as http://localhost:8080 (llama.cpp) or http://localhost:11434/v1 (Ollama), not ${JSON.stringify(given)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PapersError("BAD_OPTION", `--llm must be an http:// or https:// URL such as http://localhost:8080, not ${JSON.stringify(given)}`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/chat/completions")) url.pathname = path.endsWith("/v1") ? `${path}/chat/completions` : `${path}/v1/chat/completions`;
  return url;
}

/**
 * Asks for a chat completion and streams it: `onText` gets each piece of the reply as it arrives;
 * the promise gives the whole reply once the server says it is done.
 */
export function streamChat(options: ChatOptions, onText: (text: string) => void): Promise<ChatReply> {
  const url = chatCompletionsUrl(options.url);
  const where = `the model server at ${url.origin}`;
  const connectMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const body = JSON.stringify({
    ...(options.model ? { model: options.model } : {}),
    messages: options.messages,
    stream: true,
    max_tokens: options.maxTokens ?? 512,
    temperature: 0,
  });

  return new Promise<ChatReply>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let req: ClientRequest;
    const finish = (error: PapersError | null, reply?: ChatReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    const fail = (code: ErrorCode, message: string) => finish(new PapersError(code, message));
    const wait = (ms: number, code: ErrorCode, message: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(code, message), ms);
    };
    const idle = () => wait(idleMs, "LLM_TIMEOUT", `${where} said nothing for ${seconds(idleMs)}: it may be overloaded, or the model too slow for this machine (raise --llm-timeout)`);

    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    req = send(url, {
      method: "POST",
      // A connection of its own: no pooled socket whose state could bend the timeouts.
      agent: false,
      headers: { "content-type": "application/json", accept: "text/event-stream", "content-length": Buffer.byteLength(body) },
    });
    wait(connectMs, "LLM_UNREACHABLE", `${where} did not accept a connection within ${seconds(connectMs)}: is it running, and is --llm its address?`);
    req.on("socket", (socket) => {
      if (!socket.connecting) idle();
      else socket.once("connect", idle);
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") fail("LLM_UNREACHABLE", `nothing answers at ${url.origin} (connection refused): start the model server (llama-server, ollama serve, vllm serve) or give its address with --llm`);
      else if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN") fail("LLM_UNREACHABLE", `no such host: ${url.hostname} (--llm)`);
      else fail("LLM_UNREACHABLE", `${where} could not be reached: ${error.message}`);
    });
    req.on("response", (response) => {
      idle();
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        readSome(response, (text) => fail("LLM_HTTP_ERROR", `${where} answered ${status} ${response.statusMessage ?? ""}`.trimEnd() + httpHint(status, url, text)));
        return;
      }
      const type = String(response.headers["content-type"] ?? "");
      // A server that ignores stream: true answers with one JSON completion: take it whole.
      if (type.startsWith("application/json")) {
        readAll(response, idle, (text) => {
          try {
            const parsed = parseCompletion(text, where);
            if (parsed.text) onText(parsed.text);
            finish(null, parsed);
          } catch (error) {
            finish(error as PapersError);
          }
        });
        return;
      }
      const reply: ChatReply = { text: "", model: null, finishReason: null };
      const decoder = new SseDecoder();
      const utf8 = new TextDecoder("utf-8");
      let done = false;
      const take = (events: string[]) => {
        for (const data of events) {
          if (settled || done) return;
          if (data.trim() === "[DONE]") {
            done = true;
            return finish(null, reply);
          }
          let chunk: unknown;
          try {
            chunk = JSON.parse(data);
          } catch {
            return fail("LLM_BAD_STREAM", `${where} sent something that is not a chat-completions stream: ${quote(data)}`);
          }
          const problem = readChunk(chunk, reply, onText);
          if (problem) return fail(problem[0], `${where} ${problem[1]}`);
        }
      };
      response.on("data", (bytes: Buffer) => {
        idle();
        take(decoder.push(utf8.decode(bytes, { stream: true })));
      });
      response.on("end", () => {
        take(decoder.push(utf8.decode()));
        take(decoder.end());
        // OpenAI, llama.cpp, Ollama and vLLM all end with [DONE]; a stream that said why it
        // stopped (finish_reason) is whole without it.
        if (reply.finishReason !== null) finish(null, reply);
        else fail("LLM_BAD_STREAM", `${where} closed the stream before the answer was complete (no [DONE])`);
      });
      response.on("aborted", () => fail("LLM_BAD_STREAM", `${where} closed the connection mid-answer`));
      response.on("error", () => fail("LLM_BAD_STREAM", `${where} closed the connection mid-answer`));
    });
    req.end(body);
  });
}

/** One chunk of the stream into the reply; a problem with it as [code, what went wrong]. */
function readChunk(chunk: unknown, reply: ChatReply, onText: (text: string) => void): [ErrorCode, string] | null {
  if (typeof chunk !== "object" || chunk === null || Array.isArray(chunk)) return ["LLM_BAD_STREAM", `sent a chunk that is not an object: ${quote(JSON.stringify(chunk))}`];
  const { choices, error, model } = chunk as { choices?: unknown; error?: unknown; model?: unknown };
  // OpenAI and vLLM report a failure mid-stream as a chunk holding only `error`.
  if (error !== undefined && choices === undefined) return ["LLM_HTTP_ERROR", `reported an error mid-answer: ${errorText(error)}`];
  if (typeof model === "string") reply.model = model;
  // The last chunk may have no choices (usage only, with stream_options).
  if (choices === undefined || choices === null) return null;
  if (!Array.isArray(choices)) return ["LLM_BAD_STREAM", `sent a chunk whose choices is not a list: ${quote(JSON.stringify(chunk))}`];
  const first = choices[0] as { delta?: { content?: unknown }; finish_reason?: unknown } | undefined;
  const content = first?.delta?.content;
  if (typeof content === "string" && content !== "") {
    reply.text += content;
    onText(content);
  }
  if (typeof first?.finish_reason === "string") reply.finishReason = first.finish_reason;
  return null;
}

/** A whole (non-streamed) completion: `choices[0].message.content`. */
function parseCompletion(text: string, where: string): ChatReply {
  let parsed: { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[]; model?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new PapersError("LLM_BAD_STREAM", `${where} sent JSON that does not parse: ${quote(text)}`);
  }
  if (parsed.error !== undefined) throw new PapersError("LLM_HTTP_ERROR", `${where} reported an error: ${errorText(parsed.error)}`);
  const choice = Array.isArray(parsed.choices) ? parsed.choices[0] : undefined;
  if (typeof choice?.message?.content !== "string") throw new PapersError("LLM_BAD_STREAM", `${where} sent a completion with no choices[0].message.content: ${quote(text)}`);
  return {
    text: choice.message.content,
    model: typeof parsed.model === "string" ? parsed.model : null,
    finishReason: typeof choice.finish_reason === "string" ? choice.finish_reason : null,
  };
}

/** What an HTTP error means for the user: the server's own message, and what to try. */
function httpHint(status: number, url: URL, body: string): string {
  let said = "";
  try {
    said = errorText((JSON.parse(body) as { error?: unknown }).error ?? JSON.parse(body));
  } catch {
    said = body.trim();
  }
  const message = said ? `: ${quote(said)}` : "";
  if (status === 404) return `${message} (is ${url.pathname} its chat-completions endpoint? give --llm the server's base URL or its /v1; with Ollama, is --llm-model a model it has pulled?)`;
  if (status === 400) return `${message} (does it need --llm-model?)`;
  return message;
}

/** An error as servers give it: `{message}` (OpenAI, llama.cpp, Ollama), a string, or anything else as JSON. */
function errorText(error: unknown): string {
  if (typeof error === "string") return quote(error);
  const message = (error as { message?: unknown } | null)?.message;
  return quote(typeof message === "string" ? message : JSON.stringify(error));
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** The first few KiB of an error answer (enough for its message); the rest is not waited for. */
function readSome(response: IncomingMessage, done: (text: string) => void): void {
  let text = "";
  response.setEncoding("utf8");
  response.on("data", (piece: string) => {
    text += piece;
    if (text.length > 4096) done(text.slice(0, 4096));
  });
  response.on("end", () => done(text));
  response.on("error", () => done(text));
  response.on("aborted", () => done(text));
}

function readAll(response: IncomingMessage, onData: () => void, done: (text: string) => void): void {
  let text = "";
  response.setEncoding("utf8");
  response.on("data", (piece: string) => {
    onData();
    text += piece;
  });
  response.on("end", () => done(text));
  // Cut off: what came does not parse, and says so.
  response.on("aborted", () => done(text));
}
