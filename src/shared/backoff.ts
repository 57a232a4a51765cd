/** Exponential back-off for reconnects: 100 ms doubling to 5 s, with jitter, reset on success. */
export class Backoff {
  private attempt = 0;
  constructor(private readonly baseMs = 100, private readonly maxMs = 5000, private readonly random: () => number = Math.random) {}

  next(): number {
    const exp = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt++;
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
