/**
 * Recent answers, as the text sent. A key names the generation it was answered from (an index
 * generation never changes), so the same key always gets the same answer, and a new generation's
 * questions never get an old one's answers. Least recently used answers go first once the byte
 * budget or the entry limit is reached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = 32 * 1024 * 1024,
    private readonly maxEntries = 2048,
  ) {}

  get(key: string): string | undefined {
    const body = this.entries.get(key);
    if (body !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, body);
    }
    return body;
  }

  set(key: string, body: string): void {
    const size = body.length * 2;
    if (size > this.maxBytes / 8) return; // one huge answer must not flush everything else
    this.delete(key);
    this.entries.set(key, body);
    this.bytes += size;
    while (this.bytes > this.maxBytes || this.entries.size > this.maxEntries) {
      this.delete(this.entries.keys().next().value!);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const body = this.entries.get(key);
    if (body === undefined) return;
    this.entries.delete(key);
    this.bytes -= body.length * 2;
  }
}
