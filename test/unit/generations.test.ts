import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitGeneration, currentGeneration, removeStale } from "../../src/store/folder/generations.js";
import { tempDir } from "../helpers.js";

describe("index generations", () => {
  it("has no current generation in an empty folder", () => {
    expect(currentGeneration(tempDir())).toBeNull();
    expect(currentGeneration(join(tempDir(), "missing"))).toBeNull();
  });

  it("makes a committed generation current and removes the one it replaces", async () => {
    const root = tempDir();
    await commitGeneration(root, async (dir) => writeFileSync(join(dir, "data"), "one"));
    const first = currentGeneration(root)!;
    expect(readFileSync(join(first, "data"), "utf8")).toBe("one");
    await commitGeneration(root, async (dir) => writeFileSync(join(dir, "data"), "two"));
    const second = currentGeneration(root)!;
    expect(second).not.toBe(first);
    expect(readFileSync(join(second, "data"), "utf8")).toBe("two");
    expect(existsSync(first)).toBe(false);
  });

  it("names every commit apart, however many land in one millisecond, the newest live", async () => {
    const root = tempDir();
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      await commitGeneration(root, async (dir) => writeFileSync(join(dir, "data"), String(i)));
      names.push(basename(currentGeneration(root)!));
    }
    expect(new Set(names).size).toBe(20);
    expect(readFileSync(join(currentGeneration(root)!, "data"), "utf8")).toBe("19");
    expect(readdirSync(root).filter((e) => e.startsWith("gen-"))).toEqual([names.at(-1)]);
  });

  it("leaves the previous generation live when a write fails, and cleans up after it", async () => {
    const root = tempDir();
    await commitGeneration(root, async (dir) => writeFileSync(join(dir, "data"), "good"));
    const good = currentGeneration(root)!;
    await expect(
      commitGeneration(root, async (dir) => {
        writeFileSync(join(dir, "data"), "half");
        throw new Error("killed halfway");
      }),
    ).rejects.toThrow("killed halfway");
    expect(currentGeneration(root)).toBe(good);
    expect(readFileSync(join(good, "data"), "utf8")).toBe("good");
    expect(readdirSync(root).filter((e) => e.endsWith(".tmp"))).toEqual([]);
  });

  it("clears what killed writers leave: staging folders and half-written CURRENT and writer.pid files", async () => {
    const root = tempDir();
    await commitGeneration(root, async (dir) => writeFileSync(join(dir, "data"), "live"));
    const live = currentGeneration(root)!;
    mkdirSync(join(root, "gen-abc-123.tmp"));
    for (const leftover of ["CURRENT.123.tmp", "writer.pid.456.tmp"]) writeFileSync(join(root, leftover), "x");
    writeFileSync(join(root, "writer.lock"), "");
    removeStale(root);
    expect(readdirSync(root).sort()).toEqual(["CURRENT", basename(live), "writer.lock"]);
  });
});
