import type { BrokerDescriptor } from '../../shared/brokers';
import type { Clock } from '../clock';
import { BrokerError, type BrokerAdapter, type Instrument, type InstrumentMaster } from '../brokers/types';
import type { Logger } from '../log/types';
import type { InstrumentsRepo } from '../store/instruments-repo';

const RETRY_AFTER_FAILURE_MS = 10 * 60_000;

/** The trading day a master belongs to: India's date for Indian brokers, UTC elsewhere. */
export function masterDay(descriptor: BrokerDescriptor, now: number): string {
  const offset = descriptor.region === 'IN' ? 330 * 60_000 : 0;
  return new Date(now + offset).toISOString().slice(0, 10);
}

/**
 * Keeps each broker's instrument master fresh in SQLite: downloaded at most once per trading day,
 * one download at a time per broker. A failed download keeps yesterday's list and records why.
 */
export class InstrumentService {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly repo: InstrumentsRepo,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  master(adapter: BrokerAdapter): InstrumentMaster {
    return this.repo.master(adapter.descriptor.id);
  }

  /** Which copy of the broker's master is stored now (see InstrumentsRepo.copy). */
  copy(adapter: BrokerAdapter): number {
    return this.repo.copy(adapter.descriptor.id);
  }

  status(adapter: BrokerAdapter) {
    return this.repo.status(adapter.descriptor.id);
  }

  /** `download` runs the adapter's fetchInstruments (through BrokerService, which scrubs its errors of secrets). */
  async ensureFresh(adapter: BrokerAdapter, download: () => Promise<Instrument[]>): Promise<void> {
    if (!adapter.fetchInstruments) return;
    const broker = adapter.descriptor.id;
    const now = this.clock.now();
    const status = this.repo.status(broker);
    const today = masterDay(adapter.descriptor, now);
    if (status.day === today) return;
    if (status.lastError && status.lastAttemptAt !== null && now - status.lastAttemptAt < RETRY_AFTER_FAILURE_MS && status.count > 0) return;
    const running = this.inFlight.get(broker);
    if (running) return running;
    const job = (async () => {
      try {
        const instruments = await download();
        if (instruments.length === 0) throw new BrokerError('BROKER_REJECTED', `${adapter.descriptor.name} sent an empty instrument list.`);
        this.repo.replace(broker, instruments, today, this.clock.now());
      } catch (error) {
        const message = error instanceof BrokerError ? error.message : 'The instrument list could not be read.';
        this.repo.recordFailure(broker, message, this.clock.now());
        this.log.warn('instrument master download failed', { broker, error });
        if (status.count === 0) {
          throw new BrokerError(
            error instanceof BrokerError ? error.code : 'NETWORK',
            `${adapter.descriptor.name}'s instrument list could not be downloaded, and there is no earlier copy to use: ${message}`,
          );
        }
      } finally {
        this.inFlight.delete(broker);
      }
    })();
    this.inFlight.set(broker, job);
    return job;
  }
}
