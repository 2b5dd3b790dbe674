import type { OrderStream, OrderStreamCapability, OrderStreamHandlers, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { mapOrder, pick } from './mapping';
import { IbkrGatewaySocket, type Msg } from './stream-socket';

/**
 * Live orders on the gateway's websocket: `sor+{}` once authenticated; every `sor` message lists orders (all live
 * ones first, then those that changed), each mapped with the REST order mapping into an OrderUpdate. It uses a
 * socket of its own: the seam opens market data and order updates independently, and the gateway serves several
 * websockets per session.
 */
export class IbkrOrderStream implements OrderStream {
  readonly counters = { malformed: 0, unknown: 0 };
  private readonly socket: IbkrGatewaySocket;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
  ) {
    this.socket = new IbkrGatewaySocket(ctx, {
      onReady: () => {
        this.socket.send('sor+{}');
        handlers.onStatus({ state: 'open' });
      },
      onTopic: (topic, m) => {
        if (topic === 'sor') this.onOrders(m.args);
        // Market data has no subscriber on this socket; anything else is news to us.
        return topic === 'sor' || topic.startsWith('smd+');
      },
      onProblem: (p) => this.problem(p),
      onEnd: (reason) => handlers.onStatus({ state: 'closed', reason }),
    });
  }

  close(): void {
    this.socket.close();
  }

  private problem(kind: StreamProblem): void {
    if (kind === 'malformed') this.counters.malformed++;
    else this.counters.unknown++;
    this.handlers.onProblem?.(kind);
  }

  private onOrders(args: unknown): void {
    if (!Array.isArray(args)) return this.problem('malformed');
    for (const item of args) {
      if (typeof item !== 'object' || item === null || pick(item as Msg, 'orderId', 'order_id') === undefined || pick(item as Msg, 'status') === undefined) {
        this.problem('malformed');
        continue;
      }
      const order = mapOrder(this.ctx, item as Msg);
      this.handlers.onOrder({
        brokerOrderId: order.brokerOrderId,
        state: order.state,
        filledQuantity: order.filledQuantity,
        ...(order.averagePrice !== null && { averagePrice: order.averagePrice }),
        ...(order.message !== null && { message: order.message }),
        ts: order.updatedAt ?? this.ctx.clock.now(),
      });
    }
  }
}

export const ibkrOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new IbkrOrderStream(ctx, handlers),
};
