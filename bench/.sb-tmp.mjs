import pg from "pg";
const c = new pg.Client({ connectionString: "postgresql://postgres:@/postgres?host=/tmp/papers-pg-speed" });
await c.connect();
await c.query(`ALTER SYSTEM SET shared_buffers = '${process.argv[2]}'`);
await c.end();
