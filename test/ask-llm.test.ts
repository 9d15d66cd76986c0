/**
 * `ask --llm` against a stub model server this test starts (node:http), which streams canned
 * replies in OpenAI's chat-completions SSE format (`data: {chunk}` events, `data: [DONE]`): a good
 * reply, one citing [9] among 5 evidence sentences, one with an unsupported sentence, a server
 * that goes silent, one that closes mid-answer, one that sends garbled JSON, an HTTP error, and no
 * server at all. The library first (src/generate/), then the CLI, whose extractive answer prints
 * whatever the model server does.
 */
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAnswer, isPapersError, UNSUPPORTED_MARK, type Answer, type PapersError } from "../src/papers.js";
import { chatCompletionsUrl } from "../src/generate/chat.js";
import { CLI, SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

type Json = any;

/** The replies the stub streams, by the model asked for. */
const REPLIES: Record<string, string> = {
  good: "Layer skipping lowers decode latency [1]. Caching keys and values avoids recomputation [2, 3].",
  cites9: "Quantization halves memory traffic [9]. Layer skipping lowers decode latency [1].",
  unsupported: "Layer skipping lowers decode latency [1]. It is the best method there is. Drafting tokens helps too [4].",
};

interface Received {
  path: string;
  body: Json;
}

/** Starts the stub; `model` in the request picks what it does. */
async function startStub(): Promise<{ url: string; received: Received[]; server: Server; release: () => void }> {
  const received: Received[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = "";
    request.setEncoding("utf8");
    request.on("data", (piece: string) => (raw += piece));
    request.on("end", async () => {
      const body = JSON.parse(raw);
      received.push({ path: request.url ?? "", body });
      const model: string = body.model ?? "good";
      const chunk = (content: string | null, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: `stub-${model}`, choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
      if (model === "missing") {
        response.writeHead(404, { "content-type": "application/json" });
        return response.end(JSON.stringify({ error: { message: `model "${model}" not found, try pulling it first`, type: "api_error" } }));
      }
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      if (model === "silent") return response.write(chunk("Layer skipping")); // and nothing more
      if (model === "cut") {
        response.write(chunk("Layer skipping lowers decode latency [1]. Caching"));
        return setTimeout(() => response.socket?.destroy(), 50);
      }
      if (model === "garbled") return response.end(`${chunk("Layer")}data: {"choices": [{"delta": {"content": "skip\n\n`);
      if (model === "slow") {
        // The first sentence, then the rest only once the client has shown it: proof that it streams.
        response.write(chunk("Layer skipping lowers decode latency [1]. "));
        response.write(chunk("Caching"));
        await released;
        response.write(chunk(" keys avoids recomputation [2]."));
        return response.end(`${chunk(null, "stop")}data: [DONE]\n\n`);
      }
      // The reply in small pieces, a comment line among them, as servers send keep-alives.
      const reply = REPLIES[model]!;
      response.write(`data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: `stub-${model}`, choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: null }] })}\n\n`);
      response.write(": keep-alive\n\n");
      for (let i = 0; i < reply.length; i += 7) response.write(chunk(reply.slice(i, i + 7)));
      response.end(`${chunk(null, "stop")}data: [DONE]\n\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server, release };
}

/** A port nothing listens on: one a server just gave back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const paper = (n: number) => ({ id: `p${n}`, title: `Paper ${n}`, year: 2024, authors: ["A. Author"], url: `https://arxiv.org/abs/2401.0000${n}`, key: `author2024p${n}` });
const ANSWER: Answer = {
  question: "ways to reduce decode latency",
  confident: true,
  evidence: [1, 2, 3, 4, 5].map((id) => ({ id, text: `Evidence sentence number ${id}.`, score: 1 - id / 10, page: id === 5 ? 3 : null, section: null, paper: paper(id) })),
  references: [1, 2, 3, 4, 5].map(paper),
};

async function failure(promise: Promise<unknown>): Promise<PapersError> {
  try {
    await promise;
  } catch (error) {
    if (isPapersError(error)) return error;
    throw error;
  }
  throw new Error("expected a PapersError");
}

describe("generateAnswer against a stub model server", () => {
  let stub: Awaited<ReturnType<typeof startStub>>;
  beforeAll(async () => {
    stub = await startStub();
  });
  afterAll(() => {
    stub.release();
    stub.server.closeAllConnections();
    stub.server.close();
  });

  it("sends the numbered evidence, streaming asked for, to /v1/chat/completions, and keeps a good reply as it is", async () => {
    const shown: string[] = [];
    const generated = await generateAnswer(ANSWER, { url: stub.url, model: "good" }, (text) => shown.push(text));
    const sent = stub.received.at(-1)!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body).toMatchObject({ model: "good", stream: true });
    const prompt = sent.body.messages.map((m: Json) => m.content).join("\n");
    for (const e of ANSWER.evidence) expect(prompt).toContain(`[${e.id}] ${e.text}`);
    expect(prompt).toContain("[5] Evidence sentence number 5. (Paper 5, 2024, p. 3)");
    expect(generated.check.text).toBe(REPLIES.good);
    expect(shown.join("")).toBe(REPLIES.good);
    expect(generated.check.removed).toEqual([]);
    expect(generated.check.unsupported).toEqual([]);
    expect(generated).toMatchObject({ model: "stub-good", finishReason: "stop" });
  });

  it("removes [9] among 5 evidence sentences and reports it", async () => {
    const generated = await generateAnswer(ANSWER, { url: stub.url, model: "cites9" });
    expect(generated.check.removed).toEqual([{ cite: 9, sentence: "Quantization halves memory traffic." }]);
    expect(generated.check.text).toBe(`Quantization halves memory traffic. ${UNSUPPORTED_MARK} Layer skipping lowers decode latency [1].`);
  });

  it("marks a sentence with no citation unsupported", async () => {
    const generated = await generateAnswer(ANSWER, { url: stub.url, model: "unsupported" });
    expect(generated.check.unsupported).toEqual(["It is the best method there is."]);
    expect(generated.check.text).toContain(`It is the best method there is. ${UNSUPPORTED_MARK} Drafting`);
  });

  it("shows each sentence while the server is still writing", async () => {
    const shown: string[] = [];
    const done = generateAnswer(ANSWER, { url: stub.url, model: "slow" }, (text) => shown.push(text));
    const deadline = Date.now() + 10_000;
    while (shown.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(shown).toEqual(["Layer skipping lowers decode latency [1]. "]);
    stub.release();
    expect((await done).check.text).toBe("Layer skipping lowers decode latency [1]. Caching keys avoids recomputation [2].");
  });

  it("gives a coded error for a silent server, a cut stream, garbled JSON, an HTTP error and no server", async () => {
    const silent = await failure(generateAnswer(ANSWER, { url: stub.url, model: "silent", idleTimeoutMs: 300 }));
    expect(silent.code).toBe("LLM_TIMEOUT");
    expect(silent.message).toMatch(/said nothing for 300 ms/);
    expect((await failure(generateAnswer(ANSWER, { url: stub.url, model: "cut" }))).code).toBe("LLM_BAD_STREAM");
    const garbled = await failure(generateAnswer(ANSWER, { url: stub.url, model: "garbled" }));
    expect(garbled.code).toBe("LLM_BAD_STREAM");
    expect(garbled.message).toMatch(/not a chat-completions stream/);
    const missing = await failure(generateAnswer(ANSWER, { url: stub.url, model: "missing" }));
    expect(missing.code).toBe("LLM_HTTP_ERROR");
    expect(missing.message).toMatch(/answered 404.*model "missing" not found/);
    const refused = await failure(generateAnswer(ANSWER, { url: `http://127.0.0.1:${await closedPort()}` }));
    expect(refused.code).toBe("LLM_UNREACHABLE");
    expect(refused.message).toMatch(/connection refused/);
    expect((await failure(generateAnswer(ANSWER, { url: "ftp://x" }))).code).toBe("BAD_OPTION");
  });

  it("finds the endpoint from a server's base URL, its /v1, or the endpoint itself", () => {
    expect(chatCompletionsUrl("http://localhost:8080").href).toBe("http://localhost:8080/v1/chat/completions");
    expect(chatCompletionsUrl("http://localhost:11434/v1/").href).toBe("http://localhost:11434/v1/chat/completions");
    expect(chatCompletionsUrl("http://h/api/v1/chat/completions").href).toBe("http://h/api/v1/chat/completions");
  });
});

describe("papers ask --llm", () => {
  const indexDir = join(tempDir("papers-ask-llm-"), "index");
  let stub: Awaited<ReturnType<typeof startStub>>;

  /** The CLI as a child process, asynchronously: the stub answers from this process meanwhile. */
  const ask = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, "--index", indexDir, "ask", "ways to reduce decode latency", ...args], { env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1", PAPERS_LLM_URL: "", ...env } }, (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  /** The answer without --llm: what every run below must still print first. */
  let plain: { status: number; stdout: string; stderr: string };
  // A budget that holds a few sentences (the default holds more), so that [9] is none of them.
  const BUDGET = ["--budget", "200"];

  beforeAll(async () => {
    const built = runCli(["--index", indexDir, "index", SEEDS]);
    expect(built.status, built.stderr).toBe(0);
    stub = await startStub();
    plain = await ask(BUDGET);
  }, 120_000);
  afterAll(() => {
    stub.server.closeAllConnections();
    stub.server.close();
  });

  it("prints the evidence, then the model's answer with its citations checked and what was removed", async () => {
    expect(plain.status, plain.stderr).toBe(0);
    const sentences = plain.stdout.match(/^\[\d+\] /gm)!.length;
    expect(sentences).toBeGreaterThan(1);
    expect(sentences).toBeLessThan(9);
    const run = await ask([...BUDGET, "--llm", stub.url, "--llm-model", "cites9"]);
    expect(run.status, run.stderr).toBe(0);
    // The extractive answer comes first, as it does without --llm.
    expect(run.stdout.startsWith(plain.stdout)).toBe(true);
    expect(run.stdout).toContain("Generated answer (cites9), from the evidence above:");
    expect(run.stdout).toContain(`Quantization halves memory traffic. ${UNSUPPORTED_MARK} Layer skipping lowers decode latency [1].`);
    expect(run.stdout).toContain(`Removed citations [9]: not among the ${sentences} evidence sentences.`);
    expect(run.stdout).toContain(`Unsupported (${UNSUPPORTED_MARK}, cites no evidence):\n- Quantization halves memory traffic.`);
  });

  it("still prints the evidence when the model server is down (PAPERS_LLM_URL) or silent, with the error's code, exit status 1", async () => {
    const down = await ask(BUDGET, { PAPERS_LLM_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(down.status).toBe(1);
    expect(down.stdout.startsWith(plain.stdout)).toBe(true);
    expect(down.stderr).toMatch(/^papers: LLM_UNREACHABLE: nothing answers at http:\/\/127\.0\.0\.1:\d+ \(connection refused\).*the evidence above stands/);
    const silent = await ask([...BUDGET, "--format", "json", "--llm", stub.url, "--llm-model", "silent", "--llm-timeout", "1"]);
    expect(silent.status).toBe(1);
    expect(silent.stderr).toMatch(/^papers: LLM_TIMEOUT: /);
    const body = JSON.parse(silent.stdout);
    expect(body.generated.error.code).toBe("LLM_TIMEOUT");
    expect(body.evidence.map((e: Json) => e.text)).toEqual([...plain.stdout.matchAll(/^\[\d+\] (.*) \(\w+, abstract\)$/gm)].map((m) => m[1]));
  });

  it("--format json: the answer with what was generated and checked", async () => {
    const run = await ask([...BUDGET, "--format", "json", "--llm", stub.url, "--llm-model", "unsupported"]);
    expect(run.status, run.stderr).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(Object.keys(body)).toEqual(["question", "confident", "evidence", "references", "generated"]);
    expect(body.generated).toMatchObject({ model: "stub-unsupported", finishReason: "stop", unsupported: ["It is the best method there is."], removed: [] });
  });
});
