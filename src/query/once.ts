/**
 * A promise computed on first use and shared by every caller after, unless it fails: a failure
 * (a model missing, a database gone) is forgotten, so the next use tries again.
 */
export class Once<T> {
  private value: Promise<T> | undefined;

  get(compute: () => Promise<T>): Promise<T> {
    if (!this.value) {
      const value = compute();
      this.value = value;
      value.catch(() => {
        if (this.value === value) this.value = undefined;
      });
    }
    return this.value;
  }

  /** The promise if one was asked for (and has not failed), without computing it. */
  get current(): Promise<T> | undefined {
    return this.value;
  }
}
