/**
 * A binary min-heap of (priority, value) number pairs, ordered by priority, then by value: the
 * priority queue of BPE training (priority -count, value the pair's key). Entries are plain
 * numbers in growable Float64Arrays.
 */
export interface HeapEntry {
  priority: number;
  value: number;
}

export class PairHeap {
  #priority = new Float64Array(1024);
  #value = new Float64Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(priority: number, value: number): void {
    if (this.#size === this.#priority.length) this.#grow();
    let i = this.#size++;
    const p = this.#priority;
    const v = this.#value;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (p[parent]! < priority || (p[parent] === priority && v[parent]! <= value)) break;
      p[i] = p[parent]!;
      v[i] = v[parent]!;
      i = parent;
    }
    p[i] = priority;
    v[i] = value;
  }

  /** Removes the smallest entry into `out`; false when the heap is empty. */
  pop(out: HeapEntry): boolean {
    if (this.#size === 0) return false;
    const p = this.#priority;
    const v = this.#value;
    out.priority = p[0]!;
    out.value = v[0]!;
    const n = --this.#size;
    const priority = p[n]!;
    const value = v[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (p[right]! < p[child]! || (p[right] === p[child] && v[right]! < v[child]!))) child = right;
      if (priority < p[child]! || (priority === p[child] && value <= v[child]!)) break;
      p[i] = p[child]!;
      v[i] = v[child]!;
      i = child;
    }
    p[i] = priority;
    v[i] = value;
    return true;
  }

  #grow(): void {
    const priority = new Float64Array(this.#priority.length * 2);
    const value = new Float64Array(this.#value.length * 2);
    priority.set(this.#priority);
    value.set(this.#value);
    this.#priority = priority;
    this.#value = value;
  }
}
