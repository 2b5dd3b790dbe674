import { adapter } from '../../../src/main/brokers/xts-iifl/adapter';
import type { BrokerConformance } from './suite';
import { xtsConformance, xtsMappingCases } from './xts-family';

export const conformance: BrokerConformance = xtsConformance(adapter, 'ttblaze.iifl.com', xtsMappingCases());
