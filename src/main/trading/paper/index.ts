export { PaperBroker, type PaperBrokerOptions } from './broker';
export { SimulatedFeed, simulatedPriceAt, simulatedBase, type PriceSource } from './price-source';
export type { PaperAccount, PaperOrder, PaperReset, TimeInForce } from './types';
