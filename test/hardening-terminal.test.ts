/**
 * Terminal escape injection: a paper's fields go to a person's terminal with every C0 and C1
 * control character neutralised (no ESC, BEL, CSI…), while `--json` keeps them exactly.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatHits, formatInfo, formatList, formatPaper, formatSkippedReport } from "../src/cli/format.js";
import { newPaper } from "../src/corpus/paper.js";
import { runCli, tempDir } from "./helpers.js";

const EVIL_TITLE = "Evil \u001b[31mRED \u001b]0;pwned\u0007 \u001b[2J \u009b31m C1 \u0085 next \u007f del";
/** Any control character but the line breaks the formatter itself writes. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const evil = newPaper({
  id: "evil-\u001b[1m1",
  title: EVIL_TITLE,
  abstract: "An abstract \u001b]52;c;cGF5bG9hZA==\u0007 that \u001b[H moves\nthe cursor \u0090 and rings \u0007 bells.",
  authors: ["Mallory \u001b[8m hidden"],
  categories: ["cs.\u001bCR"],
  comments: ["\u001b[?1049h alternate screen"],
  doi: "10.1/\u001b[5m",
  journalRef: "J \u009b2J",
  sources: [{ file: "evil\u001b[0m.jsonl", line: 1 }],
});

describe("human output neutralises control characters", () => {
  it("in every field of show, search, list, info and the skip report", () => {
    const outputs = [
      formatPaper(evil),
      formatHits([{ ...evil, score: 0.5 }]),
      formatHits([{ ...evil, title: null, score: 0.5 }]),
      formatList([evil, newPaper({ id: "x", abstract: "plain", sources: [] })]),
      formatInfo({ model: "m\u001b[2J", dtype: "q8", dimension: 4, count: 1, builtAt: "now", fingerprint: "f", indexPath: "/tmp/\u001b]0;x\u0007", sizeBytes: 1, passages: 0, advice: [] }),
      formatSkippedReport([{ file: "f\u001b[2J.jsonl", line: 3, reason: 'same id "\u001b[31m" as …', kind: "replaced" }]),
    ];
    for (const output of outputs) {
      expect(output).not.toMatch(CONTROL);
      expect(output).not.toContain("\u001b");
    }
    // The words stay readable; only the control characters went.
    expect(formatPaper(evil)).toContain("Evil \ufffd[31mRED \ufffd]0;pwned\ufffd \ufffd[2J \ufffd31m C1 \ufffd next \ufffd del");
  });

  it("keeps printable text, any script, as it is", () => {
    const shown = formatPaper(newPaper({ id: "u", title: "Straße – 深度学习 😀 tab\there", abstract: "x", sources: [] }));
    expect(shown.split("\n")[0]).toBe("Straße – 深度学习 😀 tab here");
  });
});

describe("the CLI", () => {
  const root = tempDir();
  const index = join(root, "index");
  const file = join(root, "evil.jsonl");

  beforeAll(() => {
    writeFileSync(file, JSON.stringify({ id: "evil-1", title: EVIL_TITLE, abstract: "Escape sequences \u001b[2J in a title can clear a terminal screen." }) + "\n");
    expect(runCli(["--index", index, "index", file]).status).toBe(0);
  });

  it("prints no escape to a terminal from show, search and list, and keeps --json exact", () => {
    for (const args of [["show", "evil-1"], ["search", "terminal screen", "-k", "1"], ["list"]]) {
      const result = runCli(["--index", index, ...args]);
      expect(result.status, args.join(" ")).toBe(0);
      expect(result.stdout, args.join(" ")).not.toMatch(CONTROL);
    }
    const shown = JSON.parse(runCli(["--index", index, "show", "evil-1", "--json"]).stdout);
    expect(shown.title).toBe(EVIL_TITLE);
    expect(shown.abstract).toContain("\u001b[2J");
  });

  it("prints no escape in an error message quoting what the user typed", () => {
    const result = runCli(["--index", index, "show", "nope\u001b]0;pwned\u0007"]);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(CONTROL);
    expect(result.stderr).toMatch(/no paper with id "nope\ufffd\]0;pwned\ufffd"/);
  });
});
