/** The advice `papers info` gives a PostgreSQL library whose vector indexes outgrow shared_buffers. */
import { describe, expect, it } from "vitest";
import { sharedBuffersAdvice } from "../../src/store/postgres/tuning.js";

const MB = 1024 * 1024;

describe("sharedBuffersAdvice", () => {
  it("says nothing while the graph fits", () => {
    expect(sharedBuffersAdvice(128 * MB, 100 * MB)).toBeNull();
    expect(sharedBuffersAdvice(128 * MB, 128 * MB)).toBeNull();
  });

  it("names both sizes and a setting with room for the graph, in 128 MB steps", () => {
    // The 75,000-paper graph of the bench (146 MB) against the default 128 MB.
    const advice = sharedBuffersAdvice(128 * MB, 146 * MB)!;
    expect(advice).toContain("(146 MB)");
    expect(advice).toContain("shared_buffers (128 MB)");
    expect(advice).toContain("ALTER SYSTEM SET shared_buffers = '256MB'");
    // A million papers' graph (about 2 GB): a quarter more, rounded up.
    expect(sharedBuffersAdvice(128 * MB, 2000 * MB)).toContain("'2560MB'");
  });
});
