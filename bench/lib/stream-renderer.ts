import { WebSocket } from 'ws';
import type { EventPayload } from '../../src/shared/contract';
import { fullGc, nowMs } from './stats';
import { stampAge, stampTime } from './stamp';

/**
 * Child process of the streaming benchmark standing in for the window: it connects to the bridge's WebSocket (as
 * the bridge client in the page does), feeds every 'quotes:live' batch to the renderer's own FrameCoalescer and
 * applies each frame to the renderer's own live store (applyFrame), on a 60 Hz frame clock like vsync. At apply it
 * records each quote's age since the sender stamped it. Controlled over the fork IPC channel.
 *
 * argv: the bridge's WebSocket URL, the bridge's origin.
 */

type LiveBatch = EventPayload<'quotes:live'>;
interface FrameUpdate {
  quotes: Map<string, LiveBatch['quotes'][number]>;
  sources: Map<string, string>;
}
/**
 * The renderer's modules, loaded at run time: they are typed for the DOM (tsconfig.web.json), this file for Node, so
 * the compiler is given their shape here instead of their source. Neither touches the DOM unless asked to.
 */
const { FrameCoalescer } = (await import(new URL('../../src/renderer/src/live/coalescer.ts', import.meta.url).href)) as {
  FrameCoalescer: new (apply: (update: FrameUpdate) => void, requestFrame: (callback: () => void) => unknown) => { push(batch: LiveBatch): void };
};
const { applyFrame, useLive } = (await import(new URL('../../src/renderer/src/live/store.ts', import.meta.url).href)) as {
  applyFrame(update: FrameUpdate): void;
  useLive: { getState(): { quotes: Record<string, unknown> } };
};

const FRAME_MS = 1000 / 60;
const [wsUrl, origin] = process.argv.slice(2) as [string, string];
const clockZero = nowMs();

/** requestAnimationFrame on a 60 Hz display: the callback runs at the next frame boundary. */
function nextFrame(callback: () => void): void {
  const now = nowMs();
  const next = clockZero + Math.ceil((now - clockZero) / FRAME_MS) * FRAME_MS;
  setTimeout(callback, Math.max(0, next - now));
}

/** Figures of one labelled phase; recording can stop and resume into the same label (interleaved phases). */
interface Phase {
  /** Age of each quote when a frame applied it to the store: the end-to-end latency. */
  applied: number[];
  /** Age of each quote when its batch arrived from the bridge, before the frame wait. */
  arrived: number[];
  frames: number;
  batches: number;
}
const phases = new Map<string, Phase>();
let current: Phase | null = null;
/** Waiting for the first quote sent after this monotonic time (a reconnect), to answer message `id`. */
let after: { id: number; at: number } | null = null;

const coalescer = new FrameCoalescer((update: FrameUpdate) => {
  applyFrame(update);
  const now = nowMs();
  if (current) current.frames++;
  for (const quote of update.quotes.values()) {
    current?.applied.push(stampAge(quote.last, now));
    if (after && stampTime(quote.last, now) > after.at) {
      process.send!({ id: after.id, ms: now - after.at });
      after = null;
    }
  }
}, nextFrame);

const socket = new WebSocket(wsUrl, { origin });
socket.on('message', (data) => {
  const message = JSON.parse(String(data)) as { event?: string; payload?: unknown };
  if (message.event !== 'quotes:live') return;
  const batch = message.payload as LiveBatch;
  if (current) {
    const now = nowMs();
    current.batches++;
    for (const quote of batch.quotes) current.arrived.push(stampAge(quote.last, now));
  }
  coalescer.push(batch);
});
socket.on('open', () => process.send!({ ready: true }));
socket.on('error', (error) => {
  process.stderr.write(`stream renderer: ${error.message}\n`);
  process.exit(1);
});

function summary(samples: number[]) {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

type Command =
  | { id: number; cmd: 'record'; label: string }
  | { id: number; cmd: 'pause' }
  | { id: number; cmd: 'collect'; label: string }
  | { id: number; cmd: 'after'; at: number };

process.on('message', (raw) => {
  const message = raw as Command;
  if (message.cmd === 'record') {
    current = phases.get(message.label) ?? { applied: [], arrived: [], frames: 0, batches: 0 };
    phases.set(message.label, current);
    process.send!({ id: message.id });
  } else if (message.cmd === 'pause') {
    current = null;
    process.send!({ id: message.id });
  } else if (message.cmd === 'collect') {
    const phase = phases.get(message.label) ?? { applied: [], arrived: [], frames: 0, batches: 0 };
    phases.delete(message.label);
    if (current === phase) current = null;
    const latency = summary(phase.applied);
    const arrival = summary(phase.arrived);
    phase.applied = phase.arrived = [];
    // The store's own size, not the samples this process kept.
    fullGc();
    process.send!({
      id: message.id,
      latency,
      arrival,
      frames: phase.frames,
      batches: phase.batches,
      symbols: Object.keys(useLive.getState().quotes).length,
      heapUsed: process.memoryUsage().heapUsed,
    });
  } else if (message.cmd === 'after') {
    after = { id: message.id, at: message.at };
  }
});
process.on('disconnect', () => process.exit(0));
