/**
 * JSON Lines and JSON arrays of paper objects, streamed: one object at a time is parsed, so a
 * 75,000-paper file is never held as text, and a bad object costs only itself.
 */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { recordEvent, skippedFile, skippedRecord, type ReadEvent } from "./events.js";
import { recordFromRow, type FieldMap } from "./fields.js";

/** One object from a line or array element, as a record event. */
function objectEvent(text: string, file: string, line: number, fields: FieldMap): ReadEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return skippedRecord(file, line, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return skippedRecord(file, line, `not a JSON object: ${Array.isArray(value) ? "an array" : JSON.stringify(value)?.slice(0, 40)}`);
  }
  let record;
  try {
    record = recordFromRow(value as Record<string, unknown>, fields, { file, line });
  } catch (error) {
    // One strange object (nested past the stack, say) costs only itself, not the rest of the file.
    return skippedRecord(file, line, `cannot read this object: ${(error as Error).message}`);
  }
  return typeof record === "string" ? skippedRecord(file, line, record) : recordEvent(record);
}

/** JSON Lines: blank lines are passed over; every other line is one object. */
export async function* readJsonLines(stream: Readable, file: string, fields: FieldMap): AsyncGenerator<ReadEvent> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw;
      if (line.trim() === "") continue;
      yield objectEvent(line, file, lineNo, fields);
    }
  } catch (error) {
    yield skippedFile(file, lineNo + 1, `reading stopped after line ${lineNo}: ${(error as Error).message}`);
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * A JSON array of objects. The array's elements are found by a small scanner that tracks only
 * strings and brackets; each element is then parsed by JSON.parse on its own, so an element with
 * a syntax error is reported with its line and the others are read.
 */
export async function* readJsonArray(stream: Readable, file: string, fields: FieldMap): AsyncGenerator<ReadEvent> {
  const decoder = new StringDecoder("utf8");
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  let ended = false;
  let element: string[] = [];
  let elementLine = 0;
  let trailing = false;
  const finishElement = (): ReadEvent | null => {
    const text = element.join("").trim();
    element = [];
    return text === "" ? null : objectEvent(text, file, elementLine, fields);
  };
  try {
    for await (const chunk of stream) {
      const text = decoder.write(chunk as Buffer);
      const events: ReadEvent[] = [];
      let from = 0; // start of the element text not yet copied into `element`
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) inString = false;
          continue;
        }
        if (!started) {
          if (c === 91) {
            started = true;
            depth = 1;
            from = i + 1;
          } else if (c !== 0xfeff && c !== 32 && c !== 9 && c !== 10 && c !== 13) {
            yield skippedFile(file, line, "not a JSON array");
            return;
          }
          continue;
        }
        if (ended) {
          if (c !== 32 && c !== 9 && c !== 10 && c !== 13) trailing = true;
          continue;
        }
        if (depth === 1 && elementLine === 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 44 && c !== 93) elementLine = line;
        if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if (c === 125) depth--;
        else if ((c === 93 && --depth === 0) || (c === 44 && depth === 1)) {
          element.push(text.slice(from, i));
          from = i + 1;
          const event = finishElement();
          if (event) events.push(event);
          elementLine = 0;
          if (depth === 0) ended = true;
        }
      }
      if (started && !ended) element.push(text.slice(from));
      yield* events;
      if (trailing) {
        yield skippedFile(file, line, "text after the end of the JSON array");
        return;
      }
    }
  } catch (error) {
    yield skippedFile(file, line, `reading stopped at line ${line}: ${(error as Error).message}`);
    return;
  } finally {
    stream.destroy();
  }
  if (!started) yield skippedFile(file, null, "not a JSON array");
  else if (!ended) yield skippedFile(file, elementLine || line, "the JSON array is not closed (is the file cut short?)");
}
