/**
 * A model folder says how to embed (sentence-transformers config files), the index records it,
 * and a query embedded any other way is refused. Uses a copy of the real shipped model.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { transformersLoader } from "../src/embed/transformers-embedder.js";
import { DEFAULT_MODEL } from "../src/embed/models.js";
import { SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** A models folder holding a copy of the default model whose pooling says CLS instead of mean. */
function withClsPooling(): string {
  const root = tempDir("papers-models-");
  const folder = join(root, DEFAULT_MODEL);
  cpSync(join(modelsDir(), DEFAULT_MODEL), folder, { recursive: true });
  const path = join(folder, "1_Pooling", "config.json");
  const pooling = JSON.parse(readFileSync(path, "utf8"));
  writeFileSync(path, JSON.stringify({ ...pooling, pooling_mode_mean_tokens: false, pooling_mode_cls_token: true }));
  return root;
}

describe("a model folder's own config", () => {
  const index = join(tempDir(), "index");
  let cls: string;

  beforeAll(() => {
    cls = withClsPooling();
    expect(runCli(["--index", index, "index", SEEDS]).status).toBe(0);
  });

  it("records the embedding facts in the manifest", () => {
    const info = JSON.parse(runCli(["--index", index, "info", "--json"]).stdout);
    expect(info).toMatchObject({ model: DEFAULT_MODEL, dtype: "q8", dimension: 384 });
    const generation = readFileSync(join(index, "CURRENT"), "utf8").trim();
    const manifest = JSON.parse(readFileSync(join(index, generation, "manifest.json"), "utf8"));
    expect(manifest.model).toEqual({ id: DEFAULT_MODEL, dimension: 384, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true, dtype: "q8" });
  });

  it("embeds differently when the folder's pooling changes", async () => {
    const text = ["Speculative decoding makes language model inference faster."];
    const vectors = [];
    for (const location of [{ modelsDir: modelsDir() }, { modelsDir: cls }]) {
      const loader = transformersLoader({ ...location, offline: true });
      const spec = await loader.describe(DEFAULT_MODEL, "q8");
      const embedder = await loader.load(spec, "q8");
      vectors.push({ pooling: spec.pooling, vector: (await embedder.embedDocuments(text))[0]! });
      await embedder.dispose();
    }
    expect(vectors.map((v) => v.pooling)).toEqual(["mean", "cls"]);
    expect(dot(vectors[0]!.vector, vectors[1]!.vector)).toBeLessThan(0.95);
  });

  it("refuses to query or update the index built before with the changed folder", () => {
    for (const args of [["search", "decoding", "--mode", "dense"], ["index", SEEDS]]) {
      const result = runCli(["--index", index, ...args], { PAPERS_MODELS: cls });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^papers: index at .* (embeds differently|embedding differently) .*pooling "mean" vs "cls".*--rebuild.*\n$/);
    }
    // The index is as it was: the unchanged model still queries it.
    expect(JSON.parse(runCli(["--index", index, "search", "decoding", "--json"]).stdout).length).toBeGreaterThan(0);
  });

  it("takes a folder path as --model and records the path", () => {
    const folderIndex = join(tempDir(), "by-path");
    const folder = join(cls, DEFAULT_MODEL);
    expect(runCli(["--index", folderIndex, "--model", folder, "index", SEEDS]).status).toBe(0);
    const info = JSON.parse(runCli(["--index", folderIndex, "info", "--json"]).stdout);
    expect(info.model).toBe(folder);
    const hits = JSON.parse(runCli(["--index", folderIndex, "search", "decoding", "--json"]).stdout);
    expect(hits.length).toBeGreaterThan(0);
  });
});
