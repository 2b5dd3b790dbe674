import type { OrderStream, OrderStreamHandlers, StreamLimits } from '../streaming/types';
import type { StreamSource } from '../streaming/subscription-manager';
import { AppError } from '../errors';
import type { BrokerService } from './brokers';
import type { ConnectionService } from './connections';

/**
 * Where the subscription manager and the order-update sockets reach brokers: the adapter's streaming capability,
 * opened with a context built like any other call's (current session, host, instrument master). Nothing else
 * in main opens a broker socket.
 */
export class BrokerStreams implements StreamSource {
  constructor(
    private readonly connections: ConnectionService,
    private readonly brokers: BrokerService,
  ) {}

  /** Only a saved, active, validated connection streams; null otherwise or when its broker does not stream. */
  limits(connectionId: string): StreamLimits | null {
    const c = this.connections.find(connectionId);
    if (!c || !c.isActive || c.status !== 'valid') return null;
    return this.brokers.adapterFor(c.broker).marketStream?.limits ?? null;
  }

  canStream(connectionId: string): boolean {
    return this.limits(connectionId) !== null;
  }

  /** Whether the connection's broker pushes order updates (and the connection may use them now). */
  pushesOrders(connectionId: string): boolean {
    const c = this.connections.find(connectionId);
    return Boolean(c && c.isActive && c.status === 'valid' && this.brokers.adapterFor(c.broker).orderStream);
  }

  async open(connectionId: string, handlers: Parameters<StreamSource['open']>[1]) {
    const { adapter, ctx } = await this.context(connectionId);
    if (!adapter.marketStream) throw new AppError('NOT_SUPPORTED', 'This connection cannot stream prices.');
    return adapter.marketStream.open(ctx, handlers);
  }

  async openOrders(connectionId: string, handlers: OrderStreamHandlers): Promise<OrderStream> {
    const { adapter, ctx } = await this.context(connectionId);
    if (!adapter.orderStream) throw new AppError('NOT_SUPPORTED', 'This connection does not push order updates.');
    return adapter.orderStream.open(ctx, handlers);
  }

  sessionStamp(connectionId: string): string | null {
    return this.connections.credentialStamp(connectionId);
  }

  private async context(connectionId: string) {
    const row = this.connections.row(connectionId);
    const adapter = this.brokers.adapterFor(row.broker);
    // Streams map symbols to broker tokens: brokers with an instrument master need it fresh first.
    const ctx = await this.brokers.context(row, { needsInstruments: Boolean(adapter.fetchInstruments) });
    return { adapter, ctx };
  }
}
