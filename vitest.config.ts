import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Loading and running the real embedding model takes seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
