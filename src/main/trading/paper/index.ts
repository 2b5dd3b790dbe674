export { PaperBroker, type PaperBrokerOptions } from './broker';
export {
  SimulatedFeed,
  simulatedPriceAt,
  simulatedBase,
  SIMULATED,
  pricesFromOneFeed,
  connectionOrigin,
  originConnection,
  type PriceOrigin,
  type PriceRequest,
  type PriceSource,
  type SourcedPrice,
} from './price-source';
export type { PaperAccount, PaperOrder, PaperReset, PositionSource, SquareOffPlan, TimeInForce } from './types';
