/**
 * The sandbox's notion of "now". It runs with the wall clock but can be pushed forward, so tests can
 * expire a five-minute token without waiting five minutes.
 */
export interface SandboxClock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
  advance(seconds: number): void;
}

export class OffsetClock implements SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('the sandbox clock only moves forward');
    this.offsetMs += Math.round(seconds * 1000);
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
