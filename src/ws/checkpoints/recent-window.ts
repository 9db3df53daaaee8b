/**
 * The dedupe window: the last `capacity` post ids, a Set for O(1) lookups and a ring that evicts the oldest. The ring
 * grows as ids come, so that an idle stream does not hold room for thousands of them. Used by the stream's delivery
 * (ids delivered) and by the checkpoint tracker (ids acknowledged).
 */
export class RecentWindow {
  private readonly ids = new Set<string>();
  private readonly ring: string[] = [];
  /** Where the next id goes once the ring is full, which is the oldest. */
  private head = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds `id` (evicting the oldest when full); false when it is in the window already. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.ring.length < this.capacity) this.ring.push(id);
    else {
      this.ids.delete(this.ring[this.head] as string);
      this.ring[this.head] = id;
      this.head = (this.head + 1) % this.capacity;
    }
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
