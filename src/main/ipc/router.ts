import type { z } from 'zod';
import { CHANNEL_NAMES, type ChannelName } from '../../shared/channels';
import { contract, type ChannelOutput, type Contract } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { INTERNAL_MESSAGE } from '../errors';
import type { Logger } from '../log/types';
import { isSafeError, toSafeError } from '../safe-error';
import { describeIssues, NO_SCHEMA_MESSAGE } from './input-errors';
import { inputShapeProblem } from './input-shape';

export type Handlers = {
  [C in ChannelName]: (input: z.output<Contract[C]['input']>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
};

/** Who sent an IPC call, as the shell reads it from the event's sender frame. */
export interface SenderInfo {
  url: string;
  isMainFrame: boolean;
}

export interface Router {
  handle(channel: string, sender: SenderInfo, input: unknown): Promise<Result<unknown>>;
}

const KNOWN = new Set<string>(CHANNEL_NAMES);

/**
 * The one entry point for IPC calls in main: sender check, strict input parse, handler, strict
 * output parse. Errors cross as {code, message}; only AppError and BrokerError messages (written by
 * us to be safe) are forwarded, anything else becomes INTERNAL and its text stays in the log.
 */
export function createRouter(options: {
  /** Every channel for the service graph; only the store:* ones for the recovery screen (the rest then answer CONFLICT). */
  handlers: Handlers | Partial<Handlers>;
  isTrustedSender: (sender: SenderInfo) => boolean;
  /** The last net for error messages: scrubs every secret main knows (broker errors were scrubbed at their source). */
  scrub?: (text: string) => string;
  log: Logger;
}): Router {
  const { handlers, isTrustedSender, log } = options;
  const scrub = options.scrub ?? ((text: string) => text);
  return {
    async handle(channel, sender, rawInput) {
      // SECURITY: only the app's own main frame may call in.
      if (!isTrustedSender(sender)) {
        log.warn('IPC call refused from an untrusted sender', { channel: String(channel).slice(0, 60) });
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This window is not allowed to talk to BrokerVault.' } };
      }
      if (typeof channel !== 'string' || !KNOWN.has(channel)) {
        return { ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown request.' } };
      }
      const name = channel as ChannelName;
      const spec = contract[name];
      // SECURITY: plain data only (no Date, Map, Set or buffers posing as `{}`), within a size and depth budget.
      const shapeProblem = inputShapeProblem(rawInput);
      if (shapeProblem) return { ok: false, error: { code: 'INVALID_INPUT', message: shapeProblem } };
      // SECURITY: every input is parsed with its strict schema before any handler sees it; the message is ours, never zod's.
      const parsed = spec.input.safeParse(rawInput, { error: () => NO_SCHEMA_MESSAGE });
      if (!parsed.success) {
        return { ok: false, error: { code: 'INVALID_INPUT', message: describeIssues(parsed.error, rawInput) } };
      }
      const handler = handlers[name] as ((input: unknown) => unknown) | undefined;
      if (!handler) {
        return { ok: false, error: { code: 'CONFLICT', message: 'BrokerVault’s database needs attention first: choose what to do on the recovery screen.' } };
      }
      try {
        const value = await handler(parsed.data);
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          log.error('handler output broke the contract', {
            channel: name,
            issues: checked.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code })),
          });
          return { ok: false, error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } };
        }
        return { ok: true, value: checked.data };
      } catch (error) {
        if (!isSafeError(error)) log.error('handler failed', { channel: name, error });
        // SECURITY: even our own messages may quote a broker; none crosses with a known secret in it.
        return { ok: false, error: toSafeError(error, { scrub }) };
      }
    },
  };
}
