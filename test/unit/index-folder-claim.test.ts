import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimIndexFolder, INDEX_MARK } from "../../src/store/folder/ownership.js";

describe("claimIndexFolder", () => {
  it("takes a checkout's index/ holding only its .gitignore, so `papers search` works on a fresh clone", () => {
    const dir = mkdtempSync(join(tmpdir(), "papers-claim-"));
    writeFileSync(join(dir, ".gitignore"), "*\n!.gitignore\n");
    claimIndexFolder(dir);
    expect(readdirSync(dir).sort()).toEqual([INDEX_MARK, ".gitignore"].sort());
  });

  it("still refuses a folder holding someone's files, naming them", () => {
    const dir = mkdtempSync(join(tmpdir(), "papers-claim-"));
    writeFileSync(join(dir, ".gitignore"), "*\n");
    writeFileSync(join(dir, "thesis.tex"), "\\documentclass{article}\n");
    expect(() => claimIndexFolder(dir)).toThrow(/not a papers index and is not empty \(it holds "thesis\.tex"\)/);
  });
});
