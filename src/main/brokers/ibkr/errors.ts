import { type ErrorRule, type ErrorTable, ruleError, tableError } from '../errors-table';
import { brokerMessage } from '../http';
import { BrokerError, BrokerPrompt } from '../types';
import type { TlsFailure } from './transport';

export const LOGIN_HINT = 'Open the gateway address (by default https://localhost:5000) in your browser on this computer and log in to IBKR again.';

/**
 * The gateway asked a question about an order (price cap, value limit, missing market data…) instead of
 * placing it. Nothing is placed until the user answers: show `prompts` and call confirmReply(ctx, replyId, …).
 */
export class IbkrConfirmationRequired extends BrokerPrompt {
  constructor(
    replyId: string,
    prompts: string[],
    readonly messageIds: string[],
  ) {
    super(replyId, prompts, `IBKR asks you to confirm this order before it is sent: ${prompts.join(' ')}`);
    this.name = 'IbkrConfirmationRequired';
  }
}

/** The gateway's warnings carry HTML line breaks and entities; show them as plain text. */
export function promptText(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const text = raw
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^<>]*>/g, '') // '<' excluded inside a tag: a long run of '<' without '>' stays linear
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  return brokerMessage(text, '');
}

/** The gateway's own error text: `{"error": "..."}` (sometimes inside a one-item array) or a plain body. */
export function gatewayErrorText(body: unknown): string | null {
  const item = Array.isArray(body) ? body[0] : body;
  if (item && typeof item === 'object' && typeof (item as { error?: unknown }).error === 'string') {
    return (item as { error: string }).error;
  }
  if (typeof body === 'string' && body.trim() && !body.trimStart().startsWith('<')) return body;
  return null;
}

const SESSION_GONE: ErrorRule = {
  code: 'TOKEN_EXPIRED',
  message: () => `The IBKR gateway session is not logged in or has expired. ${LOGIN_HINT}`,
};

export const IBKR_ERRORS: ErrorTable = {
  // The gateway has no error codes of its own; it says what went wrong in words.
  exact: {},
  broad: [
    // Text that means the brokerage (iserver) session is gone rather than the request being wrong.
    {
      ...SESSION_GONE,
      pattern: /not authenticated|no bridge|session (?:is )?(?:expired|invalid)|please log ?in/i,
      example: 'no bridge',
    },
  ],
};

/** Map a failed HTTP answer from the gateway to a BrokerError. */
export function mapGatewayError(status: number, body: unknown, what: string): BrokerError {
  const text = gatewayErrorText(body);
  if (status === 401 || status === 403) return ruleError(SESSION_GONE, { status });
  const mapped = tableError(IBKR_ERRORS, { status, text });
  if (mapped) return mapped;
  if (status === 429) {
    return new BrokerError(
      'RATE_LIMITED',
      "The IBKR gateway refused the request because of too many requests. Wait a little: repeated bursts put this computer in IBKR's penalty box for 10–15 minutes.",
      status,
    );
  }
  if (status >= 500 && text === null) {
    return new BrokerError('BROKER_REJECTED', `The IBKR gateway could not ${what} right now (HTTP ${status}). Try again shortly.`, status);
  }
  return new BrokerError('BROKER_REJECTED', `IBKR could not ${what}: ${brokerMessage(text, `HTTP ${status}`)}`, status);
}

export function tlsFailureError(failure: Exclude<TlsFailure, null>, host: string): BrokerError {
  if (failure === 'not-loopback') {
    return new BrokerError('NETWORK', `${host} did not resolve to this computer, so its self-signed certificate is not trusted.`);
  }
  return new BrokerError(
    'NETWORK',
    `The gateway at ${host} presented a different certificate than the one trusted when this connection was set up. ` +
      'If you reinstalled or re-keyed the Client Portal Gateway, remove and add this connection again; otherwise something else is answering on that port.',
  );
}
