/**
 * Server-sent events as OpenAI's streaming chat completions send them (and llama.cpp's server,
 * Ollama and vLLM on /v1/chat/completions): `data: {json}` events, each ended by a blank line,
 * the last one `data: [DONE]`. Pure: bytes in (as text, in any pieces), the events' data out.
 * Comment lines (`: keep-alive`) and the event/id/retry fields are skipped, as the SSE spec says.
 */
export class SseDecoder {
  private buffer = "";
  private data: string[] = [];

  /** Feeds the next piece of the stream; answers the data of every event it completes. */
  push(text: string): string[] {
    this.buffer += text;
    const events: string[] = [];
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      // A lone "\r" at the end may be the first half of "\r\n": wait for the next piece.
      if (end < 0 || (this.buffer[end] === "\r" && end === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith("\r\n", end) ? 2 : 1));
      const event = this.line(line);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  /** The stream has ended: the data of an event it left without its blank line, if any. */
  end(): string[] {
    const rest = this.buffer;
    this.buffer = "";
    const events: string[] = [];
    if (rest !== "") {
      const event = this.line(rest);
      if (event !== undefined) events.push(event);
    }
    const last = this.line("");
    if (last !== undefined) events.push(last);
    return events;
  }

  private line(line: string): string | undefined {
    if (line === "") {
      if (this.data.length === 0) return undefined;
      const event = this.data.join("\n");
      this.data = [];
      return event;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== "data") return undefined;
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    this.data.push(value);
    return undefined;
  }
}
