// The last hour of the server's traffic, one sample per minute, for the console's dashboard: requests, errors
// and bytes counted into the current minute as they happen; store size and logical bytes read when a minute
// is first touched and again while it is the current one. A fixed ring: memory never grows with uptime.

export interface MinuteSample {
  /** start of the minute, ms since the epoch */
  minute: number;
  requests: number;
  /** answers with status 500 and above (the server's failures, not the clients' mistakes) */
  errors: number;
  bytesIn: number;
  bytesOut: number;
  /** bytes in the store's pack files */
  storedBytes: number;
  /** bytes clients wrote, before deduplication (stored + deduplicated) */
  logicalBytes: number;
}

const MINUTE = 60_000;

export class MetricsHistory {
  private readonly ring: MinuteSample[] = [];

  constructor(
    private readonly gauges: () => { storedBytes: number; logicalBytes: number },
    private readonly minutes = 60,
    private readonly now: () => number = Date.now,
  ) {}

  record(status: number, bytesIn: number, bytesOut: number): void {
    const s = this.currentMinute();
    s.requests++;
    if (status >= 500) s.errors++;
    s.bytesIn += bytesIn;
    s.bytesOut += bytesOut;
  }

  /**
   * One sample per minute of the last `minutes`, oldest first: minutes without requests count zero and keep the
   * store gauges of the minute before.
   */
  samples(): MinuteSample[] {
    const current = this.currentMinute();
    Object.assign(current, this.gauges());
    const out: MinuteSample[] = [];
    let i = 0;
    let last: MinuteSample | undefined;
    for (let m = current.minute - (this.minutes - 1) * MINUTE; m <= current.minute; m += MINUTE) {
      while (i < this.ring.length && this.ring[i].minute < m) last = this.ring[i++];
      if (i < this.ring.length && this.ring[i].minute === m) out.push((last = this.ring[i++]));
      else out.push({ minute: m, requests: 0, errors: 0, bytesIn: 0, bytesOut: 0, storedBytes: last?.storedBytes ?? 0, logicalBytes: last?.logicalBytes ?? 0 });
    }
    return out;
  }

  private currentMinute(): MinuteSample {
    const minute = Math.floor(this.now() / MINUTE) * MINUTE;
    const top = this.ring.at(-1);
    if (top?.minute === minute) return top;
    const sample = { minute, requests: 0, errors: 0, bytesIn: 0, bytesOut: 0, ...this.gauges() };
    this.ring.push(sample);
    while (this.ring.length && this.ring[0].minute <= minute - this.minutes * MINUTE) this.ring.shift();
    return sample;
  }
}
