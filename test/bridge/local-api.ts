import type { AppServices } from '../../src/main/composition';
import { findFreePort } from '../../src/main/local-api/service';

/** What `npm run bridge -- --local-api` prints after its URL line, as one JSON line. */
export interface LocalApiHandle {
  restBase: string;
  wsUrl: string;
  apikey: string;
}

/** Enable the local API on free ports (near OpenAlgo's defaults) and create a trade key for the paper account. */
export async function enableLocalApi(services: AppServices): Promise<LocalApiHandle> {
  const restPort = await findFreePort(5000);
  const wsPort = await findFreePort(8765, [restPort]);
  const status = await services.localApi.configure({ enabled: true, restPort, wsPort });
  if (status.rest.state !== 'listening' || status.ws.state !== 'listening') {
    throw new Error(status.rest.message ?? status.ws.message ?? 'The local API did not start.');
  }
  const { secret } = services.localApi.createKey('bridge', { permission: 'trade', paper: true, connectionIds: [] });
  return { restBase: `http://127.0.0.1:${status.rest.port}`, wsUrl: `ws://127.0.0.1:${status.ws.port}`, apikey: secret };
}
