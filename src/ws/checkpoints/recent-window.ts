/** The dedupe window: the last `capacity` post ids, a Set for O(1) lookups and a ring that evicts the oldest. */
export class RecentWindow {
  private readonly ids = new Set<string>();
  private readonly ring: string[];
  /** Where the next id goes, which is the oldest once the ring is full. */
  private head = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<string>(capacity);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds `id` (evicting the oldest when full); false when it is in the window already. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.ids.size === this.capacity) this.ids.delete(this.ring[this.head]);
    this.ring[this.head] = id;
    this.head = (this.head + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }

  /** The ids, oldest first. */
  list(): string[] {
    const count = this.ids.size;
    if (count < this.capacity) return this.ring.slice(0, count);
    return this.ring.slice(this.head).concat(this.ring.slice(0, this.head));
  }
}
