/**
 * @module pipeline/retrieve/topk
 * A fixed-capacity min-heap of (score, doc) pairs keeping the k best: O(n log k) selection
 * without sorting every scored document. Order is total and deterministic: higher score first,
 * then lower document number (insertion order), so equal scores always rank the same way.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly docs: Int32Array;
  private n = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.scores = new Float64Array(capacity);
    this.docs = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }

  /** a ranks below b: lower score, or equal score and later document. */
  private worse(ia: number, ib: number): boolean {
    const sa = this.scores[ia]!;
    const sb = this.scores[ib]!;
    return sa < sb || (sa === sb && this.docs[ia]! > this.docs[ib]!);
  }

  /** Would (score, doc) enter the heap? Cheap pre-check before calling a filter. */
  accepts(score: number, doc: number): boolean {
    if (this.n < this.capacity) return true;
    const s0 = this.scores[0]!;
    return score > s0 || (score === s0 && doc < this.docs[0]!);
  }

  push(score: number, doc: number): void {
    if (this.capacity === 0) return;
    if (this.n < this.capacity) {
      let i = this.n++;
      this.scores[i] = score;
      this.docs[i] = doc;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (!this.accepts(score, doc)) return;
    this.scores[0] = score;
    this.docs[0] = doc;
    this.siftDown(0);
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
    const d = this.docs[a]!;
    this.docs[a] = this.docs[b]!;
    this.docs[b] = d;
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.n && this.worse(l, m)) m = l;
      if (r < this.n && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  /** The kept pairs, best first. Empties the heap. */
  drain(): Array<{ doc: number; score: number }> {
    const out: Array<{ doc: number; score: number }> = new Array<{ doc: number; score: number }>(this.n);
    for (let i = this.n - 1; i >= 0; i--) {
      out[i] = { doc: this.docs[0]!, score: this.scores[0]! };
      this.n--;
      if (this.n > 0) {
        this.scores[0] = this.scores[this.n]!;
        this.docs[0] = this.docs[this.n]!;
        this.siftDown(0);
      }
    }
    return out;
  }
}
