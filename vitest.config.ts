import { configDefaults, defineConfig } from "vitest/config";

/**
 * The fast tier (`npm run test:unit`): pure functions, parsers and on-disk structures, with no
 * model to load and no process to start. Everything else is the integration tier; `npm test`
 * runs both.
 */
const UNIT = [
  "analyzer",
  "arxiv-harvest",
  "corpus-read",
  "format",
  "formats",
  "fusion",
  "generations",
  "lexical-index",
  "metrics",
  "model-lookup",
  "paper-store",
  "properties-corpus",
  "properties-ranking",
  "properties-text",
  "seeds",
  "settings",
  "topic-labels",
  "topic-map-store",
  "vector-index",
].map((name) => `test/${name}.test.ts`);

export default defineConfig({
  test: {
    // Loading and running the real embedding model takes seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 600_000,
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      { extends: true, test: { name: "integration", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...UNIT] } },
    ],
  },
});
