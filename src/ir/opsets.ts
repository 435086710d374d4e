/**
 * A graph's opset versions by domain ('' is ai.onnx): a Map that stamps its contents, so the ops'
 * cache and the shapes mark check one number instead of looking versions up.
 */

/** The last stamp given, by any Opsets: a stamp names one state of one map's contents, never two. */
let lastStamp = 0;

export class Opsets extends Map<string, number> {
  private stampValue = ++lastStamp;

  /**
   * Changes with every `set`, `delete` and `clear`, to a number no other state of any Opsets
   * had (a copy made with `copyFrom` shares its source's, as it holds the same versions).
   */
  get stamp(): number {
    return this.stampValue;
  }

  override set(domain: string, version: number): this {
    this.stampValue = ++lastStamp;
    return super.set(domain, version);
  }

  override delete(domain: string): boolean {
    this.stampValue = ++lastStamp;
    return super.delete(domain);
  }

  override clear(): void {
    this.stampValue = ++lastStamp;
    super.clear();
  }

  /** Replace the contents with `other`'s, taking its stamp. */
  copyFrom(other: Opsets): void {
    super.clear();
    other.forEach((version, domain) => super.set(domain, version));
    this.stampValue = other.stamp;
  }
}
