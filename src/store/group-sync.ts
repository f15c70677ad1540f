// Group commit: many callers ask for durability, one flush serves all who asked before it began.

export class GroupSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly flush: () => Promise<void>) {}

  /** Resolves once a flush that started after this call has finished. */
  sync(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return (this.running = this.start());
    // A flush is under way and may have missed our writes: queue exactly one follow-up for everyone waiting.
    this.next = this.running.then(
      () => this.promote(),
      () => this.promote(),
    );
    return this.next;
  }

  private promote(): Promise<void> {
    this.next = null;
    return (this.running = this.start());
  }

  private async start(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.running = null;
    }
  }
}
