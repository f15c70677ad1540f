// The process's stdout and stderr, written so that it can exit without losing output. Into a pipe, Bun's
// write() returns before the reader has taken the bytes, and exiting then drops whatever is still queued
// (`strata commit list --json | (sleep 1; wc -c)` got 64 KiB of 800). Only a write's own callback says its
// bytes are gone (an empty write's callback and writableLength do not), and writes go out in order, so waiting
// for the last write's callback is waiting for all of them.
import process from "node:process";

export class TrackedOutput {
  private last: Promise<void> = Promise.resolve();
  /** A write failed (a closed pipe): the output is not whole. */
  lost = false;

  constructor(private readonly stream: NodeJS.WriteStream) {
    stream.on("error", () => (this.lost = true));
  }

  /** Resolves once these bytes are taken (or lost). */
  write(data: string | Uint8Array): Promise<void> {
    if (data.length === 0) return this.last;
    this.last = new Promise((resolve) =>
      this.stream.write(data, (err) => {
        if (err) this.lost = true;
        resolve();
      }));
    return this.last;
  }

  /** Resolves once everything written so far is taken (or lost). */
  drained(): Promise<void> {
    return this.last;
  }

  get isTTY(): boolean {
    return Boolean(this.stream.isTTY);
  }
}

export const stdout = new TrackedOutput(process.stdout);
export const stderr = new TrackedOutput(process.stderr);
