import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT, defaultIndexDir, isCheckout, userModelsDir } from "../../src/paths.js";
import { resolveOptions } from "../../src/settings.js";

describe("front-end options", () => {
  it("prefers flags, then environment variables, then defaults", () => {
    const env = { PAPERS_INDEX: "/env/index", PAPERS_MODELS: "/env/models", PAPERS_OFFLINE: "1" };
    expect(resolveOptions({}, env)).toMatchObject({ indexDir: "/env/index", modelsDir: "/env/models", offline: true });
    expect(resolveOptions({ index: "/flag/index", models: "/flag/models" }, env)).toMatchObject({
      indexDir: "/flag/index",
      modelsDir: "/flag/models",
    });
    expect(resolveOptions({}, {})).toMatchObject({ indexDir: join(PACKAGE_ROOT, "index"), offline: false, modelsDir: undefined });
  });

  it("resolves relative paths and rejects an unknown dtype", () => {
    expect(resolveOptions({ index: "idx" }, {}).indexDir).toBe(join(process.cwd(), "idx"));
    expect(() => resolveOptions({ dtype: "fp16" }, {})).toThrow(/unknown dtype "fp16"/);
  });
});

describe("default folders", () => {
  const env = { XDG_DATA_HOME: "/xdg/data", XDG_CACHE_HOME: "/xdg/cache" };

  it("keeps a checkout's index in index/, and an installed package's under XDG_DATA_HOME", () => {
    const checkout = mkdtempSync(join(tmpdir(), "papers-checkout-"));
    mkdirSync(join(checkout, ".git"));
    const installed = join(mkdtempSync(join(tmpdir(), "papers-app-")), "node_modules", "papers");
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, "package.json"), "{}");
    expect(isCheckout(PACKAGE_ROOT)).toBe(true);
    expect(defaultIndexDir(env, checkout)).toBe(join(checkout, "index"));
    expect(defaultIndexDir(env, installed)).toBe("/xdg/data/papers/index");
    expect(defaultIndexDir({ HOME: "/home/u" }, installed)).toMatch(/\/\.local\/share\/papers\/index$/);
  });

  it("caches models under XDG_CACHE_HOME", () => {
    expect(userModelsDir(env)).toBe("/xdg/cache/papers/models");
  });
});
