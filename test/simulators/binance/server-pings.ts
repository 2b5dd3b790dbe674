import type { WebSocket } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';

/**
 * Binance's keep-alive, server side, on both the market streams and the WebSocket API: a ping frame every 20 s,
 * and a connection that sent no pong for a minute is dropped. Clients need do nothing: `ws` (and browsers) answer
 * pings by themselves.
 */
export class ServerPings {
  private readonly lastPong = new Map<WebSocket, number>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly everyMs = 20_000,
    private readonly deadAfterMs = 60_000,
  ) {}

  track(socket: WebSocket): void {
    this.lastPong.set(socket, this.scheduler.now());
    socket.on('pong', () => this.lastPong.set(socket, this.scheduler.now()));
    socket.on('close', () => this.lastPong.delete(socket));
    this.arm();
  }

  close(): void {
    this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      const now = this.scheduler.now();
      for (const [socket, last] of this.lastPong) {
        if (now - last >= this.deadAfterMs) socket.terminate();
        else if (socket.readyState === socket.OPEN) socket.ping();
      }
      if (this.lastPong.size > 0) this.arm();
    }, this.everyMs);
  }
}
