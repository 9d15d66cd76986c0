/**
 * A missing or damaged model, or a config that does not fit its weights, is one clear line from
 * the CLI (what is wrong, which file, how to fix it) and exit status 1, and leaves the index as it
 * was. The damaged copies are made from the real shipped model in a temporary folder.
 */
import { cpSync, existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../src/embed/models.js";
import { REPO, SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

/** Four papers: a small first batch, so a refused model is found out fast. */
const SAMPLE = join(REPO, "test", "fixtures", "formats", "arxiv-cs-sample.jsonl");
const ONNX = join("onnx", "model_quantized.onnx");

/** A models folder holding a copy of the default model, changed by `damage`. */
function damagedCopy(damage: (folder: string) => void): string {
  const root = tempDir("papers-models-");
  const folder = join(root, DEFAULT_MODEL);
  cpSync(join(modelsDir(), DEFAULT_MODEL), folder, { recursive: true });
  damage(folder);
  return root;
}

function expectOneLine(result: { status: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^papers: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
  // transformers.js internals never reach the user.
  expect(result.stderr).not.toMatch(/Cannot read properties|undefined|TypeError/);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("model trouble", () => {
  const index = join(tempDir(), "index");
  let fingerprint: string;

  beforeAll(() => {
    expect(runCli(["--index", index, "index", SEEDS]).status).toBe(0);
    fingerprint = JSON.parse(runCli(["--index", index, "info", "--json"]).stdout).fingerprint;
  });

  /** The index still answers as before, with the real model. */
  const expectIndexUntouched = () => {
    expect(JSON.parse(runCli(["--index", index, "info", "--json"]).stdout).fingerprint).toBe(fingerprint);
    expect(JSON.parse(runCli(["--index", index, "search", "decoding", "-k", "2", "--json"]).stdout)).toHaveLength(2);
  };

  it("the shipped model lists every file's size and SHA-256 in provenance.json", () => {
    const provenance = JSON.parse(readFileSync(join(modelsDir(), DEFAULT_MODEL, "provenance.json"), "utf8"));
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"]) {
      expect(provenance.files[file]).toEqual({ size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
  });

  it("names a truncated ONNX file, checked against provenance.json before loading", () => {
    const models = damagedCopy((folder) => truncateSync(join(folder, ONNX), 1_000_000));
    const onnx = join(models, DEFAULT_MODEL, ONNX);
    const damaged = new RegExp(`^papers: model ${escape(DEFAULT_MODEL)} \\(q8\\) in ${escape(join(models, DEFAULT_MODEL))} is damaged \\(${escape(onnx)} is 1000000 bytes, not \\d+\\): .*provision-models\\.sh`);
    expectOneLine(runCli(["--index", index, "search", "decoding"], { PAPERS_MODELS: models }), damaged);
    expectOneLine(runCli(["--index", index, "index", SEEDS, "--rebuild"], { PAPERS_MODELS: models }), damaged);
    expectIndexUntouched();
  });

  it("names a changed byte in a file of the same size", () => {
    const models = damagedCopy((folder) => {
      const bytes = readFileSync(join(folder, ONNX));
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
      writeFileSync(join(folder, ONNX), bytes);
    });
    expectOneLine(runCli(["--index", index, "search", "decoding"], { PAPERS_MODELS: models }), /is damaged \(.*model_quantized\.onnx does not match its SHA-256 in provenance\.json\)/);
    expectIndexUntouched();
  });

  it("names an ONNX file that onnxruntime cannot parse in a folder papers did not make", () => {
    const models = damagedCopy((folder) => {
      rmSync(join(folder, "provenance.json"));
      const bytes = readFileSync(join(folder, ONNX));
      bytes.fill(0xa5, 0, 4096);
      writeFileSync(join(folder, ONNX), bytes);
    });
    const broken = new RegExp(`^papers: model ${escape(DEFAULT_MODEL)} \\(q8\\) could not be loaded in ${escape(join(models, DEFAULT_MODEL))} \\(.+\\): `);
    expectOneLine(runCli(["--index", index, "search", "decoding"], { PAPERS_MODELS: models }), broken);
    expectIndexUntouched();
  });

  it("refuses weights that do not fit the folder's config (768 dimensions said, 384 given)", () => {
    const models = damagedCopy((folder) => {
      rmSync(join(folder, "provenance.json"));
      const path = join(folder, "1_Pooling", "config.json");
      writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), word_embedding_dimension: 768 }));
    });
    const mismatch = /^papers: model .* gives 384-dimensional vectors, but its config says 768: its files are another model's/;
    const fresh = join(tempDir(), "fresh");
    expectOneLine(runCli(["--index", fresh, "index", SAMPLE], { PAPERS_MODELS: models }), mismatch);
    expect(existsSync(join(fresh, "CURRENT"))).toBe(false);
  });

  it("says where it looked and how to get a model that is not on the machine, offline", () => {
    const nowhere = new RegExp(`^papers: model org/not-here \\(q8\\) is not on this machine \\(looked in .*\\), and --offline forbids the Hub: run \`bash scripts/provision-models\\.sh build org/not-here\``);
    expectOneLine(runCli(["--index", join(tempDir(), "x"), "--model", "org/not-here", "index", SAMPLE]), nowhere);
    // fp32 weights are not shipped: only q8 is.
    expectOneLine(runCli(["--index", join(tempDir(), "y"), "--dtype", "fp32", "index", SAMPLE], { PAPERS_MODELS: tempDir() , XDG_CACHE_HOME: tempDir() }), /model Xenova\/all-MiniLM-L6-v2 \(fp32\) is not on this machine/);
    expectIndexUntouched();
  });
});
