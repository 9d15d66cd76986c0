/** The citation checker of `ask --llm` (src/generate/citations.ts) and the SSE decoder its client reads with. */
import { describe, expect, it } from "vitest";
import { CitationStream, UNSUPPORTED_MARK, checkCitations } from "../../src/generate/citations.js";
import { SseDecoder } from "../../src/generate/sse.js";

describe("checkCitations", () => {
  it("keeps a reply whose every sentence cites evidence it was given", () => {
    const reply = "Layer skipping cuts decode latency [1]. Speculative decoding drafts tokens cheaply [2, 3].";
    const check = checkCitations(reply, 5);
    expect(check.text).toBe(reply);
    expect(check.removed).toEqual([]);
    expect(check.unsupported).toEqual([]);
    expect(check.sentences.map((s) => s.cites)).toEqual([[1], [2, 3]]);
  });

  it("removes a number that is not among the evidence, and reports it", () => {
    const check = checkCitations("Quantization halves memory [9]. Pruning helps [2][9]. Caching helps [4, 9].", 5);
    expect(check.text).toBe(`Quantization halves memory. ${UNSUPPORTED_MARK} Pruning helps [2]. Caching helps [4].`);
    expect(check.removed).toEqual([
      { cite: 9, sentence: "Quantization halves memory." },
      { cite: 9, sentence: "Pruning helps [2]." },
      { cite: 9, sentence: "Caching helps [4]." },
    ]);
    expect(check.unsupported).toEqual(["Quantization halves memory."]);
  });

  it("marks a sentence with no citation as unsupported, and lists it", () => {
    const check = checkCitations("Early exit saves compute [2]. It is the best method overall.\nKV caches grow with length [1].", 3);
    expect(check.text).toBe(`Early exit saves compute [2]. It is the best method overall. ${UNSUPPORTED_MARK}\nKV caches grow with length [1].`);
    expect(check.unsupported).toEqual(["It is the best method overall."]);
    expect(check.sentences.map((s) => s.supported)).toEqual([true, false, true]);
  });

  it("reads ranges and lists, and gives citations after the full stop to the sentence before", () => {
    const check = checkCitations("Both cut latency. [1-3] A third adds nothing [2; 7].", 4);
    expect(check.sentences.map((s) => s.cites)).toEqual([[1, 2, 3], [2]]);
    expect(check.removed.map((r) => r.cite)).toEqual([7]);
    expect(check.unsupported).toEqual([]);
  });

  it("does not count a list number or a unit without words as a claim", () => {
    const check = checkCitations("1. Skip layers [1].\n2. Draft tokens [2].", 2);
    expect(check.unsupported).toEqual([]);
  });

  it("streams the same check sentence by sentence, however the reply is cut", () => {
    const reply = "Layer skipping cuts latency. [1] Drafts help [9]. Nothing cites this. Caches grow [2, 3].";
    const whole = checkCitations(reply, 3);
    for (const size of [1, 2, 3, 7, 50]) {
      const emitted: string[] = [];
      const stream = new CitationStream(3, (text) => emitted.push(text));
      for (let i = 0; i < reply.length; i += size) stream.push(reply.slice(i, i + size));
      // Sentences come out before the end: the first is out once the second has begun.
      if (size < 20) expect(emitted.length).toBeGreaterThan(1);
      const check = stream.end();
      expect(check).toEqual(whole);
      expect(emitted.join("")).toBe(whole.text);
    }
    expect(whole.text).toBe(`Layer skipping cuts latency. [1] Drafts help. ${UNSUPPORTED_MARK} Nothing cites this. ${UNSUPPORTED_MARK} Caches grow [2, 3].`);
  });
});

describe("SseDecoder", () => {
  it("gives each event's data, across pieces, CRLF, comments and other fields", () => {
    const decoder = new SseDecoder();
    const stream = ': keep-alive\r\n\r\ndata: {"a":1}\r\n\r\nevent: x\nid: 3\ndata: {"b":\ndata: 2}\n\ndata: [DONE]\n\n';
    const events: string[] = [];
    for (const piece of stream.match(/[\s\S]{1,3}/g)!) events.push(...decoder.push(piece));
    events.push(...decoder.end());
    expect(events).toEqual(['{"a":1}', '{"b":\n2}', "[DONE]"]);
  });

  it("gives an event the stream ended without its blank line", () => {
    const decoder = new SseDecoder();
    expect(decoder.push("data: [DONE]")).toEqual([]);
    expect(decoder.end()).toEqual(["[DONE]"]);
  });
});
