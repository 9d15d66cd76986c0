/**
 * A damaged model, or another model's files under a model's name, is one clear line from the
 * CLI (what is wrong, which file, how to fix it) and exit status 1, and leaves the index as it
 * was. The damaged copies are made from the real model in a temporary folder.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../src/embed/models.js";
import { REPO, SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

const MPNET = "Xenova/all-mpnet-base-v2";
/** Four papers: a small first batch, so a refused model is found out fast. */
const SAMPLE = join(REPO, "test", "fixtures", "formats", "arxiv-cs-sample.jsonl");
const SMALL_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "provenance.json"];

/** A models folder holding `name`, made of `source`'s files (linked) and its own copy of the fp32 ONNX file. */
function modelsWith(name: string, source: string, damage?: (onnx: string) => void): string {
  const root = tempDir("papers-models-");
  const folder = join(root, name);
  mkdirSync(join(folder, "onnx"), { recursive: true });
  for (const file of SMALL_FILES) symlinkSync(join(source, file), join(folder, file));
  const onnx = join(folder, "onnx", "model.onnx");
  if (damage) {
    copyFileSync(join(source, "onnx", "model.onnx"), onnx);
    damage(onnx);
  } else {
    symlinkSync(join(source, "onnx", "model.onnx"), onnx);
  }
  return root;
}

function expectOneLine(result: { status: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^papers: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("model trouble", () => {
  const minilm = join(modelsDir(), DEFAULT_MODEL);
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

  it("names a truncated ONNX file and how to provision it again", () => {
    const models = modelsWith(DEFAULT_MODEL, minilm, (onnx) => truncateSync(onnx, 1_000_000));
    const onnx = join(models, DEFAULT_MODEL, "onnx", "model.onnx");
    const size = JSON.parse(readFileSync(join(minilm, "provenance.json"), "utf8")).onnx["model.onnx"].size;
    const damaged = new RegExp(
      `^papers: model ${escape(DEFAULT_MODEL)} \\(fp32\\) is damaged \\(${escape(onnx)} is 1000000 bytes, but provisioning wrote ${size}\\): ` +
        `provision it again with "PAPERS_MODELS=${escape(models)} bash scripts/provision-models\\.sh ${escape(DEFAULT_MODEL)} --force"\\n$`,
    );
    expectOneLine(runCli(["--index", index, "search", "decoding"], { PAPERS_MODELS: models }), damaged);
    expectOneLine(runCli(["--index", index, "index", SEEDS, "--rebuild"], { PAPERS_MODELS: models }), damaged);
    expectIndexUntouched();
  });

  it("names an ONNX file that onnxruntime cannot parse (garbled, same size)", () => {
    const models = modelsWith(DEFAULT_MODEL, minilm, (onnx) => {
      const bytes = readFileSync(onnx);
      bytes.fill(0xa5, 0, 4096);
      writeFileSync(onnx, bytes);
    });
    const onnx = join(models, DEFAULT_MODEL, "onnx", "model.onnx");
    const broken = new RegExp(
      `^papers: model ${escape(DEFAULT_MODEL)} \\(fp32\\) in ${escape(models)} could not be loaded \\(.*${escape(onnx)}.*\\): ` +
        `provision it again with "PAPERS_MODELS=${escape(models)} bash scripts/provision-models\\.sh ${escape(DEFAULT_MODEL)} --force"\\n$`,
    );
    expectOneLine(runCli(["--index", index, "search", "decoding"], { PAPERS_MODELS: models }), broken);
    expectOneLine(runCli(["--index", index, "index", SEEDS, "--rebuild"], { PAPERS_MODELS: models }), broken);
    expectIndexUntouched();
  });

  it("refuses vectors of the wrong dimension: all-MiniLM-L6-v2's files under all-mpnet-base-v2's name", () => {
    const models = modelsWith(MPNET, minilm);
    const mismatch = new RegExp(
      `^papers: model ${escape(MPNET)} \\(fp32\\) gives 384-dimensional vectors, but ${escape(MPNET)} and indexes built with it have 768: ` +
        `its files are another model's in ${escape(models)}: provision it again with "PAPERS_MODELS=${escape(models)} bash scripts/provision-models\\.sh ${escape(MPNET)} --force"\\n$`,
    );
    // Rebuilding the index with it fails before anything is committed; a new index is not created.
    expectOneLine(runCli(["--index", index, "--model", "mpnet", "index", SAMPLE, "--rebuild"], { PAPERS_MODELS: models }), mismatch);
    expectIndexUntouched();
    const fresh = join(tempDir(), "fresh");
    expectOneLine(runCli(["--index", fresh, "--model", "mpnet", "index", SAMPLE], { PAPERS_MODELS: models }), mismatch);
    expect(existsSync(join(fresh, "CURRENT"))).toBe(false);
  });

  // Needs a second real model with another dimension; CI provisions only all-MiniLM-L6-v2.
  it.runIf(existsSync(join(modelsDir(), MPNET, "onnx", "model.onnx")))(
    "refuses a question embedded with the wrong dimension: all-mpnet-base-v2's files under all-MiniLM-L6-v2's name",
    () => {
      const models = modelsWith(DEFAULT_MODEL, join(modelsDir(), MPNET));
      const mismatch = new RegExp(
        `^papers: model ${escape(DEFAULT_MODEL)} \\(fp32\\) gives 768-dimensional vectors, but ${escape(DEFAULT_MODEL)} and indexes built with it have 384: `,
      );
      expectOneLine(runCli(["--index", index, "search", "decoding", "--mode", "dense"], { PAPERS_MODELS: models }), mismatch);
      expectOneLine(runCli(["--index", index, "index", SEEDS, SAMPLE], { PAPERS_MODELS: models }), mismatch);
      expectIndexUntouched();
    },
  );
});
