/** A map from short sequences of value ids (RecordView.valueId and the like) to values. */
import { VALUE_ID_LIMIT } from './recordView.ts';

/** Values by a sequence of value ids, two ids to a level (a small integer key: a * VALUE_ID_LIMIT + b < 2^30). */
export class IdTrie<T> {
  private root = new Map<number, unknown>();
  /** The value for the empty sequence. */
  private only: T | undefined;

  get(ids: Int32Array, n: number): T | undefined {
    if (n === 0) return this.only;
    let node = this.root;
    for (let i = 0; ; i += 2) {
      const next = node.get(i + 1 < n ? ids[i]! * VALUE_ID_LIMIT + ids[i + 1]! : ids[i]!);
      if (next === undefined || i + 2 >= n) return next as T | undefined;
      node = next as Map<number, unknown>;
    }
  }

  clear(): void {
    this.root = new Map();
    this.only = undefined;
  }

  set(ids: Int32Array, n: number, value: T): void {
    if (n === 0) {
      this.only = value;
      return;
    }
    let node = this.root;
    for (let i = 0; ; i += 2) {
      const key = i + 1 < n ? ids[i]! * VALUE_ID_LIMIT + ids[i + 1]! : ids[i]!;
      if (i + 2 >= n) {
        node.set(key, value);
        return;
      }
      let next = node.get(key) as Map<number, unknown> | undefined;
      if (!next) node.set(key, (next = new Map()));
      node = next;
    }
  }
}
