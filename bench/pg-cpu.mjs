// CPU time a local PostgreSQL server spends, for benches that want each store's cost per search
// apart from the machine's load: wall time on a shared machine measures the neighbours too, CPU
// time (the server's processes, read from /proc) does not. Linux, a server on this machine only.
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

/** /proc/PID/stat's parent and CPU ticks (utime + stime), or null when the process is gone. */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** Linux's USER_HZ: 100 ticks a second everywhere Node runs (getconf CLK_TCK). */
const TICK_MS = 10;

/**
 * The server behind `url` (its postmaster found as a connection's parent): `ms()` gives the CPU
 * milliseconds its processes have used so far, `refresh()` finds processes started since. Null
 * when the server is not on this machine.
 */
export async function databaseServerCpu(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const backend = (await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  const postmaster = procStat(backend)?.ppid; // read while the connection (its process) lives
  await client.end();
  if (!postmaster || !procStat(postmaster)) return null;
  let pids = [];
  const refresh = () => {
    pids = [postmaster];
    for (const name of readdirSync("/proc")) if (/^\d+$/.test(name) && procStat(name)?.ppid === postmaster) pids.push(Number(name));
  };
  refresh();
  return {
    refresh,
    ms: () => pids.reduce((sum, pid) => sum + (procStat(pid)?.ticks ?? 0), 0) * TICK_MS,
  };
}
