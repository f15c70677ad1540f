// Background scrub of the embedded store: walks every sealed pack, record by record, at a bounded rate,
// and checks each record's full SHA-256 against the hash it is named by. Reads check only a record's
// CRC32, which catches a flipped bit in the record but not a record that is whole yet wrong; the scrub
// finds both, in data nobody reads, before a read or a restore needs it (as ZFS and MinIO scrub).
// It only reports: `strata fsck` names the objects a damaged record belongs to.
import { digest } from "../hash/hashing.ts";
import { toHex } from "../util/bytes.ts";
import { BlobCorruptError, type BlobStore } from "./blob-store.ts";
import type { DamagedRecord } from "./pack-verify.ts";

export interface ScrubStats {
  /** whole passes over the store finished */
  passes: number;
  records: number;
  bytes: number;
  damaged: number;
}

/** How long to wait for sealed packs to appear when the store has none. */
const IDLE_MS = 60_000;
/** Bytes read between two pauses: small enough to keep the rate smooth, large enough to sleep rarely. */
const BURST_BYTES = 256 * 1024;
/** What a record counts for against the rate at least: a read of a tiny record still costs a disk access. */
const MIN_RECORD_COST = 4096;

export class Scrubber {
  readonly stats: ScrubStats = { passes: 0, records: 0, bytes: 0, damaged: 0 };
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param bytesPerSecond read at most this fast on average (the `--scrub-rate`)
   * @param onDamage told of every damaged record found, once per pass
   */
  constructor(
    private readonly blobs: BlobStore,
    private readonly bytesPerSecond: number,
    private readonly onDamage: (damage: DamagedRecord) => void,
  ) {}

  /** Starts scrubbing pass after pass until stop(). */
  start(): void {
    this.running ??= this.loop();
  }

  /** Stops at the next record and waits until the scrub has let go of the store. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const scrubbed = await this.pass();
      if (scrubbed === 0) await this.sleep(IDLE_MS);
    }
  }

  /** One pass over every sealed pack; returns the number of records checked. */
  async pass(): Promise<number> {
    let checked = 0;
    let burst = 0;
    for (const { seq } of this.blobs.sealedPacks()) {
      for (const [hash, loc] of this.blobs.packEntries(seq)) {
        if (this.stopped) return checked;
        let problem: DamagedRecord["problem"] | undefined;
        try {
          const payload = this.blobs.readAt(hash, loc);
          if (toHex(digest("sha256", payload)) !== hash) problem = "hash-mismatch";
        } catch (err) {
          if (!(err instanceof BlobCorruptError)) break; // the pack went away (gc dropped it): on to the next
          problem = "checksum";
        }
        checked++;
        this.stats.records++;
        this.stats.bytes += loc.length;
        if (problem) {
          this.stats.damaged++;
          this.onDamage({ pack: seq, offset: loc.offset, hash, kind: loc.kind, problem });
        }
        burst += Math.max(loc.length, MIN_RECORD_COST);
        if (burst >= BURST_BYTES) {
          await this.sleep((burst / this.bytesPerSecond) * 1000);
          burst = 0;
        }
      }
    }
    if (!this.stopped && checked > 0) this.stats.passes++;
    return checked;
  }

  /** Waits between bursts; stop() cuts the wait short. */
  protected sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
      this.timer.unref?.();
    });
  }
}
