/** What the kill switch dialog shows while the kill switch runs. */
export interface KillSwitchProgress {
  /** Cancels finished (done or failed) of those found so far. */
  done: number;
  total: number;
  message: string;
}

/** Counts the kill switch's cancels across every venue and tells the trader where it is. */
export class ProgressTally {
  private done = 0;
  private total = 0;

  constructor(private readonly emit: (progress: KillSwitchProgress) => void) {}

  say(message: string): void {
    this.emit({ done: this.done, total: this.total, message });
  }

  found(orders: number): void {
    this.total += orders;
  }

  cancelling(): void {
    this.say(`Cancelling ${this.done + 1} of ${this.total}…`);
  }

  finished(): void {
    this.done += 1;
  }

  /** A read or cancel waits for the broker's rate limit (or an answer) before it is tried again. */
  waiting(what: string): void {
    this.say(`${what}: the broker asked BrokerVault to slow down (or did not answer); trying again…`);
  }
}
