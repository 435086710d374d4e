/**
 * A graph's opset versions by domain ('' is ai.onnx): a Map that counts its changes, so the ops'
 * cache checks one number instead of looking the ai.onnx version up for every node.
 */
export class Opsets extends Map<string, number> {
  private changeCount = 0;

  /** Bumped by every `set`, `delete` and `clear`. */
  get changes(): number {
    return this.changeCount;
  }

  override set(domain: string, version: number): this {
    this.changeCount++;
    return super.set(domain, version);
  }

  override delete(domain: string): boolean {
    this.changeCount++;
    return super.delete(domain);
  }

  override clear(): void {
    this.changeCount++;
    super.clear();
  }
}
