import { configDefaults, defineConfig } from "vitest/config";

/**
 * The fast tier (`npm run test:unit`) is the folder test/unit/: pure functions, parsers and
 * on-disk structures, with no model to load and no process to start, and no need for the real
 * data in shared/ beside the repository (a case that reads it skips, saying why). Everything else
 * under test/ is the integration tier; `npm test` runs both. A new test goes where it belongs by
 * where it is saved, not by a list kept here.
 */
const UNIT = ["test/unit/**/*.test.ts"];

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
