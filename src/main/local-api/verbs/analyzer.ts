import { z } from 'zod';
import { ApiError, type VerbContext } from '../verb';
import { defineVerb, success } from './common';

function analyzerState(ctx: VerbContext, message?: string) {
  const status = ctx.services.trading.mode.status();
  const analyze = status.mode === 'paper';
  return success({
    analyze_mode: analyze,
    mode: analyze ? 'analyze' : 'live',
    // OpenAlgo counts its analyzer's logged requests; BrokerVault's paper orders are in its journal and audit trail instead.
    total_logs: 0,
    ...(message ? { message } : {}),
  });
}

/** analyzer: whether orders go to the paper engine (OpenAlgo's analyzer mode) or live. */
export const analyzer = defineVerb({
  name: 'analyzer',
  permission: 'read',
  input: z.strictObject({}),
  async run(ctx) {
    return analyzerState(ctx);
  },
});

/**
 * analyzer/toggle: `mode: true` switches to paper (always allowed: it only makes trading safer). `mode: false` never
 * switches to live: the API cannot turn live trading on or unlock it. It answers success only when BrokerVault is
 * already live (the trader switched it on in the app), and 403 otherwise.
 */
export const analyzerToggle = defineVerb({
  name: 'analyzer/toggle',
  permission: 'trade',
  input: z.strictObject({ mode: z.boolean({ message: 'must be true (analyzer/paper) or false (live)' }) }),
  async run(ctx, input) {
    const status = ctx.services.trading.mode.status();
    if (input.mode) {
      if (status.mode === 'live') {
        ctx.services.trading.mode.goPaper('Switched to paper (analyzer mode) by a local API script.', 'trader');
        return analyzerState(ctx, 'Analyzer mode is on: orders go to the paper account.');
      }
      return analyzerState(ctx, 'Analyzer mode was already on: orders go to the paper account.');
    }
    // SECURITY: the API can never switch to live or unlock live; only the trader can, in the app.
    if (status.mode === 'live') return analyzerState(ctx, 'BrokerVault is already live; nothing changed.');
    throw new ApiError(403, 'Live trading is switched on only in the BrokerVault app, never over the API. Orders stay in the paper account.');
  },
});
