import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_INDEX_DIR, resolveOptions } from "../src/settings.js";

describe("front-end options", () => {
  it("prefers flags, then environment variables, then defaults", () => {
    const env = { PAPERS_INDEX: "/env/index", PAPERS_MODELS: "/env/models", PAPERS_OFFLINE: "1" };
    expect(resolveOptions({}, env)).toMatchObject({ indexDir: "/env/index", modelsDir: "/env/models", offline: true });
    expect(resolveOptions({ index: "/flag/index", models: "/flag/models" }, env)).toMatchObject({
      indexDir: "/flag/index",
      modelsDir: "/flag/models",
    });
    expect(resolveOptions({}, {})).toMatchObject({ indexDir: DEFAULT_INDEX_DIR, offline: false });
  });

  it("resolves relative paths and rejects an unknown dtype", () => {
    expect(resolveOptions({ index: "idx" }, {}).indexDir).toBe(join(process.cwd(), "idx"));
    expect(() => resolveOptions({ dtype: "fp16" }, {})).toThrow(/unknown dtype "fp16"/);
  });
});
