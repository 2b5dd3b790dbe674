export { PaperBroker, type PaperBrokerOptions } from './broker';
export { SimulatedFeed, simulatedPriceAt, simulatedBase, type PriceSource } from './price-source';
export { PAPER_SCHEMA_SQL } from './schema';
export type { PaperAccount, PaperOrder, PaperReset, TimeInForce } from './types';
