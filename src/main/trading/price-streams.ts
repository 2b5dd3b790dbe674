import type { Disposable } from '../events';
import type { FeedStatus, StreamConsumer } from '../streaming/connection-feed';
import type { StreamMode, Tick } from '../streaming/types';

/**
 * What trading needs of the subscription manager (src/main/streaming/subscription-manager.ts satisfies it as is):
 * subscribe a consumer to a connection's symbols, read the latest tick, and whether the feed is live.
 */
export interface PriceStreams {
  subscribe(connectionId: string, consumer: StreamConsumer, symbols: readonly string[], mode: StreamMode): Disposable;
  latest(connectionId: string, symbol: string): Tick | null;
  status(connectionId: string): FeedStatus | null;
}
