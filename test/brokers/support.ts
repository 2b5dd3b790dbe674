import net from 'node:net';
import { expect } from 'vitest';
import type { HttpResponse } from '../../src/main/brokers/http';
import { BrokerError, MemoryInstrumentMaster, type BrokerContext, type Instrument } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { systemScheduler } from '../../src/main/scheduler';
import { ManualScheduler } from '../support/manual-scheduler';

/** What a test decides about a context; the rest gets the defaults the app uses. */
export type ContextFields = Pick<BrokerContext, 'baseUrl' | 'environment' | 'credentials' | 'clock'> &
  Partial<Pick<BrokerContext, 'fetch' | 'timeoutMs' | 'rateGate' | 'scheduler'>> & { instruments?: Instrument[] };

/**
 * A broker context with the real fetch, a 5 s timeout, the given instruments and a fresh memo. No client-side
 * rate gate unless the test gives one: adapter tests drive the simulators into their own 429 answers. On a
 * manual clock the adapter's timers are manual too (a test advances them; nothing waits in real time).
 */
export function brokerContext(fields: ContextFields): BrokerContext {
  return {
    baseUrl: fields.baseUrl,
    environment: fields.environment,
    credentials: fields.credentials,
    fetch: fields.fetch ?? fetch,
    clock: fields.clock,
    scheduler: fields.scheduler ?? (fields.clock instanceof ManualClock ? new ManualScheduler(fields.clock) : systemScheduler(fields.clock)),
    timeoutMs: fields.timeoutMs ?? 5_000,
    instruments: new MemoryInstrumentMaster(fields.instruments),
    memo: new Map(),
    rateGate: fields.rateGate ?? (async () => undefined),
  };
}

/** The BrokerError a call rejects with; the test fails if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<BrokerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BrokerError);
    return error as BrokerError;
  }
  throw new Error('expected the call to fail');
}

/** A loopback port nothing listens on, so connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A canary secret as raw text, base64 and hex: none of these may show up in results or errors. */
export function canaryForms(canary: string): string[] {
  return [canary, Buffer.from(canary).toString('base64'), Buffer.from(canary).toString('hex')];
}

/** No result or error (message, stack, own properties) holds any of the canary's forms. */
export function expectNoCanary(outcomes: unknown[], forms: string[]): void {
  for (const outcome of outcomes) {
    const texts = [JSON.stringify(outcome)];
    if (outcome instanceof Error) texts.push(outcome.message, outcome.stack ?? '', JSON.stringify({ ...outcome }));
    for (const t of texts) for (const form of forms) expect(t).not.toContain(form);
  }
}

/** A canned broker answer, as the adapters' error mappers receive it. */
export function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: new Headers(headers), body };
}

/** The BrokerError a mapper throws (for mappers that throw rather than return). */
export function thrown(run: () => unknown): BrokerError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BrokerError);
    return error as BrokerError;
  }
  throw new Error('expected the mapper to throw');
}
