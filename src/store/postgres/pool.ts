/**
 * A library's database: the connection pool, queries on pooled connections (their connection
 * errors turned into STORE_UNREACHABLE), read-only snapshots and write transactions.
 */
import { createHash } from "node:crypto";
import { availableParallelism, hostname } from "node:os";
import pg from "pg";
import { PapersError } from "../../errors.js";
import { parsePostgresUrl, type PostgresTarget } from "./connection.js";

/** What every read checks first, in its own snapshot. */
export interface SnapshotFacts {
  generation: number;
  modelKey: string;
  model: string;
  dtype: string;
}

/**
 * Connections a process keeps: one per core for reads (a search is one statement: more
 * connections than cores only queue in the server), and two for a writer (its lock and its
 * transaction), so reads go on beside a write.
 */
export const POOL_SIZE = availableParallelism() + 2;

/** The HNSW search settings a pooled connection has, once set (see Database.prepared). */
const searchSettings = new WeakMap<pg.ClientBase, number>();

export class Database {
  private constructor(
    private readonly target: PostgresTarget,
    private readonly pool: pg.Pool,
  ) {}

  static async connect(location: string): Promise<Database> {
    const target = parsePostgresUrl(location);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: POOL_SIZE,
      application_name: `papers (pid ${process.pid} on ${hostname()})`,
    });
    // An idle client's error (the server restarting) must not crash a server process.
    pool.on("error", () => {});
    const db = new Database(target, pool);
    try {
      await db.query("SELECT 1");
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return db;
  }

  /** Where the library is, for messages: the connection string without its password. */
  get location(): string {
    return this.target.display;
  }

  /** The schema holding this library's tables. */
  get schema(): string {
    return this.target.schema;
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  /** A query on any pooled connection. */
  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.withClient((client) => client.query<R>(text, values));
  }

  /**
   * One statement, prepared on each connection the first time it runs there (named by its text;
   * the plan kept by the server), in one round trip. `efSearch`: the statement searches an HNSW
   * graph with that candidate list, set on the connection for the session (once, and again only
   * when another ef is asked), as a lone statement has no transaction for SET LOCAL. Without
   * pgvector's iterative scan: a search with no filter finds its k in the first ef candidates,
   * and the iterative scan cost it 40% more at 75,000 papers (7.7 against 10.8 ms p50, ef 200).
   */
  async prepared<R extends pg.QueryResultRow>(text: string, values: unknown[], efSearch?: number): Promise<pg.QueryResult<R>> {
    const name = `papers_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    return this.withClient(async (client) => {
      if (efSearch !== undefined && searchSettings.get(client) !== efSearch) {
        await client.query(`SET hnsw.ef_search = ${Math.trunc(efSearch)}`);
        searchSettings.set(client, efSearch);
      }
      return client.query<R>({ name, text, values });
    });
  }

  /** A pooled connection for `work`, released after; connection errors are STORE_UNREACHABLE. */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unreachable(error);
    }
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  /**
   * Runs `work` in one read-only snapshot, every statement seeing the same committed generation,
   * with the library's facts as that snapshot has them (read in the same round trip).
   */
  async snapshot<T>(work: (client: pg.PoolClient, facts: SnapshotFacts | null) => Promise<T>, settings = ""): Promise<T> {
    return this.withClient(async (client) => {
      try {
        let facts: SnapshotFacts | null = null;
        try {
          const results = (await client.query(
            `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${settings}SELECT generation, model_key, manifest->'model'->>'id' AS model, manifest->'model'->>'dtype' AS dtype FROM ${this.schema}.facts`,
          )) as unknown as pg.QueryResult[];
          const row = results.at(-1)?.rows[0];
          facts = row ? { generation: Number(row.generation), modelKey: row.model_key as string, model: row.model as string, dtype: row.dtype as string } : null;
        } catch (error) {
          // No facts table: the library was dropped (undefined_table), and is gone.
          if ((error as { code?: string }).code !== "42P01") throw error;
          await client.query(`ROLLBACK; BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${settings}`);
        }
        const result = await work(client, facts);
        // Not awaited: node-postgres runs a connection's queries in order, so whoever takes this
        // connection from the pool next is queued behind the COMMIT; the answer need not wait for it.
        client.query("COMMIT").catch(() => {});
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    });
  }

  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private unreachable(error: unknown): Error {
    if (error instanceof PapersError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new PapersError("STORE_UNREACHABLE", `cannot reach the database at ${this.location} (${reason}): check that PostgreSQL is running and the connection string is right`);
  }
}
