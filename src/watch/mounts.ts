/**
 * Whether a folder is on a file system that reports no change events to this machine: a network
 * mount (another machine writes to it) or FUSE, where inotify sees only this machine's own writes,
 * if any. Those are polled instead.
 */
import { statfs } from "node:fs/promises";

/** statfs f_type magic numbers (linux/magic.h and the file systems' own headers). */
const NO_EVENTS: ReadonlyMap<number, string> = new Map([
  [0x6969, "NFS"],
  [0x517b, "SMB"],
  [0xff534d42, "CIFS"],
  [0xfe534d42, "SMB2"],
  [0x65735546, "FUSE (sshfs, rclone, …)"],
  [0x01021997, "9P (WSL, VM shares)"],
  [0x5346414f, "AFS"],
  [0x00c36400, "Ceph"],
  [0x73757245, "Coda"],
  [0x564c, "NCP"],
  [0x47504653, "GPFS"],
  [0x0bd00bd0, "Lustre"],
]);

/** The name of the event-less file system `path` is on, or null when events can be trusted. */
export async function eventlessFileSystem(path: string): Promise<string | null> {
  try {
    return eventlessType((await statfs(path)).type);
  } catch {
    return null; // cannot tell (a path not there yet): events, and the catch-ups, as usual
  }
}

/** The event-less file system a statfs f_type names, or null. */
export function eventlessType(type: number | bigint): string | null {
  // f_type is unsigned; some platforms hand it over as a negative 32-bit number.
  return NO_EVENTS.get(Number(BigInt.asUintN(32, BigInt(type)))) ?? null;
}
