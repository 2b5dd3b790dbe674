import { CONFORMANCE_BROKER_IDS, loadConformance } from './cases';
import { runConformance } from './suite';

// Every broker's cases in one file: the brokers' tests share one worker and one import of the adapter code,
// which on a busy machine costs more than the tests themselves. Each broker still gets its own describe and hooks.
for (const id of CONFORMANCE_BROKER_IDS) {
  const broker = await loadConformance(id);
  runConformance({ ...broker, fileId: id });
}
