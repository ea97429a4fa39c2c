/** Wall time of each benchmark phase, so a slow run shows where its time went. */
export class PhaseTimes {
  private last = performance.now();
  /** Seconds per phase, in the order they ended. */
  readonly seconds: Record<string, number> = {};

  /** Ends phase `name` now (it began where the previous one ended); returns ` [12.3 s]`. */
  end(name: string): string {
    const now = performance.now();
    const s = (now - this.last) / 1000;
    this.last = now;
    this.seconds[name] = Math.round(s * 10) / 10;
    return ` [${s.toFixed(1)} s]`;
  }

  summary(): string {
    return Object.entries(this.seconds)
      .map(([name, s]) => `${name} ${s} s`)
      .join(', ');
  }
}
