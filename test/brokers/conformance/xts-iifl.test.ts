import { adapter } from '../../../src/main/brokers/xts-iifl/adapter';
import { runConformance } from './suite';
import { xtsConformance, xtsMappingCases } from './xts-family';

runConformance(xtsConformance(adapter, 'ttblaze.iifl.com', xtsMappingCases()));
