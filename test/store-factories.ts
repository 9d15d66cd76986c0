/**
 * The stores every store test runs against (describe.each over them): the folder store always,
 * PostgreSQL when PAPERS_TEST_PG names a server (`bash scripts/pg-server.sh start` prints one).
 */
import { join } from "node:path";
import pg from "pg";
import { afterAll } from "vitest";
import type { PapersOptions } from "../src/papers.js";
import { folderCheckpointCount, tempDir } from "./helpers.js";

export const PG = process.env.PAPERS_TEST_PG;
if (!PG) console.warn("store matrix: PAPERS_TEST_PG is unset, so the PostgreSQL store is skipped (start one: bash scripts/pg-server.sh start)");

export interface StoreFactory {
  name: string;
  /** Where a new, empty library goes: options for the library API, and the CLI's flags. */
  fresh(): { options: PapersOptions; args: string[] };
  /** Vectors saved by a run that has not committed yet. */
  checkpointed(library: { options: PapersOptions }): Promise<number>;
}

let schemas = 0;
export const factories: StoreFactory[] = [
  {
    name: "folder",
    fresh() {
      const indexDir = join(tempDir(), "index");
      return { options: { indexDir }, args: ["--index", indexDir] };
    },
    async checkpointed({ options }) {
      return folderCheckpointCount(options.indexDir);
    },
  },
];
if (PG) {
  const client = new pg.Client({ connectionString: PG });
  const made: string[] = [];
  afterAll(async () => {
    if (made.length === 0) return;
    await client.connect();
    for (const schema of made) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  factories.push({
    name: "postgres",
    fresh() {
      const schema = `matrix_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
      made.push(schema);
      const store = `${PG}${PG.includes("?") ? "&" : "?"}schema=${schema}`;
      return { options: { indexDir: join(tempDir(), "unused"), store }, args: ["--store", store] };
    },
    async checkpointed({ options }) {
      const schema = /schema=([a-z0-9_]+)/.exec(options.store!)![1];
      const c = new pg.Client({ connectionString: PG });
      await c.connect();
      try {
        return Number((await c.query(`SELECT count(*) AS n FROM ${schema}.checkpoint`)).rows[0].n);
      } catch {
        return 0;
      } finally {
        await c.end();
      }
    },
  });
}
