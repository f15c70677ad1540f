// Transfer progress: a redrawn bar on a terminal (stderr), one plain line per finished file otherwise.
import type { Io } from "./command.ts";
import { humanSize } from "./output.ts";

export class Progress {
  private done = 0;
  private files = 0;
  private lastDraw = 0;
  private readonly started = performance.now();

  constructor(private readonly io: Io, private readonly total: number, private readonly fileCount: number, private readonly quietLines: boolean) {}

  bytes(n: number): void {
    this.done += n;
    if (!this.io.tty) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    this.draw();
  }

  /** A file is complete; `line` says what happened to it. */
  file(line: string): void {
    this.files++;
    if (this.io.tty) this.draw();
    else if (!this.quietLines) this.io.out(line);
  }

  finish(): void {
    if (this.io.tty) this.io.status("\r\x1b[2K");
  }

  private draw(): void {
    const width = 30;
    const ratio = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(ratio * width);
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? humanSize(Math.round(this.done / seconds)) : "-";
    const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
    this.io.status(`\r\x1b[2K${bar} ${humanSize(this.done)}/${humanSize(this.total)} ${rate}/s  ${this.files}/${this.fileCount} files`);
  }
}
