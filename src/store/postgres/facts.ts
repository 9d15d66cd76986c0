/**
 * A library's facts: the live generation number and the manifest (model, dtype, dimension,
 * embedding facts), in a one-row table, read in the same snapshot as every query.
 */
import type pg from "pg";
import { specFacts } from "../../embed/models.js";
import type { Manifest } from "../shared/manifest.js";
import type { StoreModel } from "../store.js";
import type { Database } from "./pool.js";

export interface Facts {
  generation: number;
  modelKey: string;
  manifest: Manifest;
}

/** The live generation's facts, or null when this schema holds no committed library. */
export async function readFacts(db: Database, client?: pg.ClientBase): Promise<Facts | null> {
  const run = (text: string, values?: unknown[]) => (client ? client.query(text, values) : db.query(text, values));
  const exists = await run("SELECT to_regclass($1) AS t", [`${db.schema}.facts`]);
  if (!exists.rows[0].t) return null;
  const { rows } = await run(`SELECT generation, model_key, manifest FROM ${db.schema}.facts`);
  if (rows.length === 0) return null;
  return { generation: Number(rows[0].generation), modelKey: rows[0].model_key as string, manifest: rows[0].manifest as Manifest };
}

/** Commits the next generation's facts, in the writer's transaction. */
export async function writeFacts(client: pg.PoolClient, s: string, manifest: Manifest, modelKey: string): Promise<void> {
  await client.query(
    `INSERT INTO ${s}.facts (one, generation, model_key, manifest) VALUES (true, 1, $1, $2)
     ON CONFLICT (one) DO UPDATE SET generation = ${s}.facts.generation + 1, model_key = $1, manifest = $2`,
    [modelKey, JSON.stringify(manifest)],
  );
}

/** How many passages the library holds (none when it has no passages table: built before passages were kept here). */
export async function passageCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${db.schema}.passages`]);
  if (!rows[0]!.t) return 0;
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${db.schema}.passages`)).rows[0]!.n);
}

/** One past the highest passage label, 0 when there are none. */
export async function nextPassageLabel(db: Database): Promise<number> {
  const { rows } = await db.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${db.schema}.passages`]);
  if (!rows[0]!.t) return 0;
  return Number((await db.query<{ n: number }>(`SELECT coalesce(max(label) + 1, 0) AS n FROM ${db.schema}.passages`)).rows[0]!.n);
}

export function generationName(generation: number): string {
  return `gen-${generation}`;
}

/** What must match between a library and whoever reads or writes it: the embedding facts and the weights. */
export function modelKeyOf(model: StoreModel): string {
  return JSON.stringify({ ...specFacts(model.spec), dtype: model.dtype });
}
