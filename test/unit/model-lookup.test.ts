/**
 * Where a model is looked for, what its folder says about embedding, and how its files are
 * checked: no model is loaded here (see model-folder.test.ts for that).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { locateModel, modelFileProblem, modelRoots, requiredModelFiles } from "../../src/embed/locate.js";
import { readModelFacts } from "../../src/embed/sentence-transformers-config.js";
import { SHIPPED_MODELS_DIR } from "../../src/paths.js";

const ID = "org/custom-model";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "papers-lookup-"));
}

/** A model folder with every file transformers.js reads for `dtype` (contents are not loaded here). */
function fakeModel(root: string, id = ID, dtype: "q8" | "fp32" = "q8"): string {
  const folder = join(root, id);
  for (const file of requiredModelFiles(dtype)) {
    mkdirSync(join(folder, file, ".."), { recursive: true });
    writeFileSync(join(folder, file), `{"file": "${file}"}`);
  }
  return folder;
}

describe("model lookup order", () => {
  let cache: string;
  beforeEach(() => {
    cache = tmp();
    process.env.XDG_CACHE_HOME = cache;
  });

  it("is --models, then the user's cache under XDG_CACHE_HOME, then the shipped models", () => {
    const explicit = tmp();
    expect(modelRoots({ modelsDir: explicit })).toEqual([explicit, join(cache, "papers", "models"), SHIPPED_MODELS_DIR]);
    expect(modelRoots({})).toEqual([join(cache, "papers", "models"), SHIPPED_MODELS_DIR]);
  });

  it("takes the first folder that has every file for the dtype", () => {
    const explicit = tmp();
    const cached = fakeModel(join(cache, "papers", "models"));
    expect(locateModel(ID, "q8", { modelsDir: explicit, offline: true })).toEqual({ id: ID, folder: cached });
    const mine = fakeModel(explicit);
    expect(locateModel(ID, "q8", { modelsDir: explicit, offline: true })).toEqual({ id: ID, folder: mine });
    // --models lacks the fp32 weights, the cache has them.
    fakeModel(join(cache, "papers", "models"), ID, "fp32");
    expect(locateModel(ID, "fp32", { modelsDir: explicit, offline: true }).folder).toBe(cached);
  });

  it("falls back to the Hub only when not offline, and says where it looked when offline", () => {
    expect(locateModel(ID, "q8", {})).toEqual({ id: ID, folder: null });
    expect(() => locateModel(ID, "q8", { offline: true })).toThrow(
      expect.objectContaining({ code: "MODEL_NOT_FOUND", message: expect.stringContaining(`looked in ${join(cache, "papers", "models")}, ${SHIPPED_MODELS_DIR}`) }),
    );
  });

  it("resolves aliases, accepts folder paths, and refuses names that are neither", () => {
    const folder = fakeModel(tmp(), "x/y");
    expect(locateModel(folder, "q8", { offline: true })).toEqual({ id: folder, folder });
    expect(() => locateModel(folder, "fp32", { offline: true })).toThrow(/has no onnx\/model\.onnx/);
    expect(() => locateModel("no such model", "q8", {})).toThrow(expect.objectContaining({ code: "UNKNOWN_MODEL" }));
    expect(locateModel("minilm", "q8", {}).id).toBe("Xenova/all-MiniLM-L6-v2");
  });
});

describe("model files against provenance.json", () => {
  it("passes intact files and names a changed byte or a wrong size", () => {
    const folder = fakeModel(tmp());
    const files = Object.fromEntries(
      requiredModelFiles("q8").map((f) => {
        const bytes = Buffer.from(`{"file": "${f}"}`);
        return [f, { size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") }];
      }),
    );
    writeFileSync(join(folder, "provenance.json"), JSON.stringify({ files }));
    expect(modelFileProblem(folder, "q8")).toBeNull();
    writeFileSync(join(folder, "tokenizer.json"), `{"file": "tokenizer.jsoN"}`);
    expect(modelFileProblem(folder, "q8")).toBe(`${join(folder, "tokenizer.json")} does not match its SHA-256 in provenance.json`);
    writeFileSync(join(folder, "tokenizer.json"), `{}`);
    expect(modelFileProblem(folder, "q8")).toMatch(/tokenizer\.json is 2 bytes, not \d+$/);
  });

  it("cannot check a folder papers did not make", () => {
    expect(modelFileProblem(fakeModel(tmp()), "q8")).toBeNull();
  });
});

describe("sentence-transformers config files", () => {
  function stFolder(pooling: Record<string, boolean>, extra: { normalize?: boolean; prompts?: object; maxSeq?: number } = {}): string {
    const folder = tmp();
    const modules = [
      { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
      { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
      ...(extra.normalize === false ? [] : [{ idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" }]),
    ];
    writeFileSync(join(folder, "modules.json"), JSON.stringify(modules));
    mkdirSync(join(folder, "1_Pooling"));
    writeFileSync(join(folder, "1_Pooling", "config.json"), JSON.stringify({ word_embedding_dimension: 384, pooling_mode_cls_token: false, pooling_mode_mean_tokens: false, ...pooling }));
    writeFileSync(join(folder, "sentence_bert_config.json"), JSON.stringify({ max_seq_length: extra.maxSeq ?? 256 }));
    if (extra.prompts) writeFileSync(join(folder, "config_sentence_transformers.json"), JSON.stringify({ prompts: extra.prompts }));
    writeFileSync(join(folder, "config.json"), JSON.stringify({ hidden_size: 999 }));
    return folder;
  }

  it("reads pooling, dimension, length, prompts and normalisation", () => {
    expect(readModelFacts(stFolder({ pooling_mode_mean_tokens: true }))).toEqual({
      dimension: 384, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true,
    });
    const bge = stFolder({ pooling_mode_cls_token: true }, { prompts: { query: "Represent: ", document: "" }, maxSeq: 512, normalize: false });
    expect(readModelFacts(bge)).toEqual({ dimension: 384, pooling: "cls", maxTokens: 512, queryPrefix: "Represent: ", documentPrefix: "", normalize: false });
    expect(readModelFacts(stFolder({ pooling_mode_lasttoken: true })).pooling).toBe("lasttoken");
  });

  it("refuses a pooling papers does not implement, rather than embedding some other way", () => {
    expect(() => readModelFacts(stFolder({ pooling_mode_max_tokens: true }))).toThrow(
      expect.objectContaining({ code: "MODEL_BROKEN", message: expect.stringContaining("its pooling (max_tokens) is not one papers supports") }),
    );
  });

  it("falls back to a known model's facts, then to config.json", () => {
    const bare = tmp();
    writeFileSync(join(bare, "config.json"), JSON.stringify({ hidden_size: 768, max_position_embeddings: 514 }));
    expect(readModelFacts(bare)).toMatchObject({ dimension: 768, pooling: "mean", maxTokens: 512 });
    expect(readModelFacts(bare, { dimension: 384, pooling: "cls", maxTokens: 128, queryPrefix: "q: ", documentPrefix: "", normalize: true })).toMatchObject({
      dimension: 384, pooling: "cls", maxTokens: 128, queryPrefix: "q: ",
    });
  });
});
