/** Which file systems watch polls (src/watch/mounts.ts): network mounts and FUSE, by statfs type. */
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { eventlessFileSystem, eventlessType } from "../../src/watch/mounts.js";

describe("eventless file systems", () => {
  it("names network and FUSE mounts by their statfs magic, signed or not", () => {
    expect(eventlessType(0x6969)).toBe("NFS");
    expect(eventlessType(0xfe534d42)).toBe("SMB2");
    expect(eventlessType(0xff534d42 | 0)).toBe("CIFS"); // as a negative 32-bit number
    expect(eventlessType(0x65735546n)).toMatch(/^FUSE/);
  });

  it("trusts local file systems' events", async () => {
    expect(eventlessType(0xef53)).toBeNull(); // ext4
    expect(eventlessType(0x01021994)).toBeNull(); // tmpfs
    expect(await eventlessFileSystem(tmpdir())).toBeNull();
    expect(await eventlessFileSystem("/no/such/folder")).toBeNull();
  });
});
