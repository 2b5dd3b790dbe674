import type { z } from 'zod';
import { CHANNEL_NAMES, type ChannelName } from '../../shared/channels';
import { contract, type ChannelOutput, type Contract } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { BrokerError } from '../brokers/types';
import { AppError, INTERNAL_MESSAGE } from '../errors';
import type { Logger } from '../log/logger';

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

/** Describe what is wrong with an input by path and rule only: the values themselves may be secrets. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length ? issue.path.map((p) => String(p).slice(0, 40)).join('.') : 'input';
    if (issue.code === 'unrecognized_keys') {
      return `${where}: unexpected field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
        .slice(0, 5)
        .map((k) => `"${k.slice(0, 40)}"`)
        .join(', ')}`;
    }
    return `${where}: ${issue.message.slice(0, 200)}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `Invalid input. ${parts.join('; ')}${more}`;
}

/**
 * The one entry point for IPC calls in main: sender check, strict input parse, handler, strict
 * output parse. Errors cross as {code, message}; only AppError and BrokerError messages (written by
 * us to be safe) are forwarded, anything else becomes INTERNAL and its text stays in the log.
 */
export function createRouter(options: {
  /** Every channel for the service graph; only the store:* ones for the recovery screen (the rest then answer CONFLICT). */
  handlers: Handlers | Partial<Handlers>;
  isTrustedSender: (sender: SenderInfo) => boolean;
  log: Logger;
}): Router {
  const { handlers, isTrustedSender, log } = options;
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
      // SECURITY: every input is parsed with its strict schema before any handler sees it.
      const parsed = spec.input.safeParse(rawInput);
      if (!parsed.success) {
        return { ok: false, error: { code: 'INVALID_INPUT', message: describeIssues(parsed.error) } };
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
        if (error instanceof AppError) return { ok: false, error: error.toShape() };
        if (error instanceof BrokerError) return { ok: false, error: { code: error.code, message: error.message } };
        log.error('handler failed', { channel: name, error });
        return { ok: false, error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } };
      }
    },
  };
}
