/**
 * A library's likes in PostgreSQL: the likes table (position, id, liked), outside the tables a
 * rebuild makes anew, so likes outlast it. Written in one transaction with the facts' generation
 * bumped, so that a server following the library sees the new likes as a new generation.
 */
import type pg from "pg";
import type { SavedLikes } from "../shared/likes.js";

/** The saved likes, in their order (none when the library has no likes table yet). */
export async function readLikes(client: pg.ClientBase, s: string): Promise<SavedLikes> {
  const exists = await client.query("SELECT to_regclass($1) AS t", [`${s}.likes`]);
  if (!exists.rows[0].t) return { liked: [], unliked: [] };
  const { rows } = await client.query<{ id: string; liked: boolean }>(`SELECT id, liked FROM ${s}.likes ORDER BY position`);
  return { liked: rows.filter((row) => row.liked).map((row) => row.id), unliked: rows.filter((row) => !row.liked).map((row) => row.id) };
}

/** Replaces the saved likes, in the caller's transaction. */
export async function writeLikes(client: pg.ClientBase, s: string, likes: SavedLikes): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.likes (position integer PRIMARY KEY, id text NOT NULL, liked boolean NOT NULL)`);
  await client.query(`DELETE FROM ${s}.likes`);
  const rows = [...likes.liked.map((id) => [id, true] as const), ...likes.unliked.map((id) => [id, false] as const)];
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO ${s}.likes (position, id, liked) SELECT * FROM unnest($1::integer[], $2::text[], $3::boolean[])`,
    [rows.map((_, i) => i), rows.map(([id]) => id), rows.map(([, liked]) => liked)],
  );
}
