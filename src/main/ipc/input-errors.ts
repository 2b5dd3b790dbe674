import type { z } from 'zod';

/**
 * The one translator from a refused input to the message the renderer shows: BrokerVault's own words,
 * naming the field, built from each zod issue's path and code. Zod's own wording never crosses, and
 * neither does any input value (it may be a secret); only key names the caller sent, cut short.
 */

/** The router parses with this as zod's fallback message, so a message the schema set itself can be told apart. */
export const NO_SCHEMA_MESSAGE = '\u0000no-schema-message';

const LABELS: Record<string, string> = {
  broker: 'Broker',
  label: 'Name',
  environment: 'Environment',
  fields: 'Credentials',
  apiHost: 'API host',
  id: 'Id',
  connectionId: 'Connection',
  query: 'Search text',
  confirmationId: 'Confirmation',
  typed: 'Typed confirmation',
  ticketId: 'Ticket id',
  symbol: 'Symbol',
  symbols: 'Symbols',
  side: 'Side',
  quantity: 'Quantity',
  type: 'Order type',
  limitPrice: 'Limit price',
  stopPrice: 'Stop price',
  product: 'Product',
  timeInForce: 'Time in force',
  orderId: 'Order id',
  replyId: 'Reply id',
  confirm: 'Confirm',
  mode: 'Mode',
  before: 'Before',
  limit: 'Page size',
  startingCash: 'Starting cash',
  currency: 'Currency',
  maxQuantity: 'Maximum quantity',
  maxOrderValue: 'Maximum order value',
  maxOrdersPerMinute: 'Maximum orders per minute',
  closePositions: 'Close positions',
  name: 'Name',
  time: 'Time',
  timeZone: 'Time zone',
  days: 'Days',
  orders: 'Orders',
  enabled: 'Enabled',
  passphrase: 'Passphrase',
  action: 'Action',
  theme: 'Theme',
  checkIntervalSec: 'Check interval',
  notificationsEnabled: 'Notifications',
  autoRelogin: 'Automatic re-login',
  paperChargesEstimate: 'Charges estimate on paper fills',
};

/** A key the caller chose, safe to repeat: no control or format characters (bidi overrides), at most 40 characters. */
export function quoted(key: string): string {
  const clean = key.replace(/[\p{Cc}\p{Cf}]/gu, '');
  return `‘${clean.length > 40 ? `${clean.slice(0, 40)}…` : clean}’`;
}

/** "Quantity (item 2)", "‘apiKey’", "The request": the field an issue is about. */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const keys = path.filter((p): p is string => typeof p === 'string');
  const items = path.filter((p): p is number => typeof p === 'number').map((i) => `item ${i + 1}`);
  const last = keys.at(-1);
  let label: string;
  if (last === undefined) label = items.length ? 'Entry' : 'The request';
  else if (keys.at(-2) === 'fields')
    label = quoted(last); // A broker's field name: the trader knows it by that.
  else label = LABELS[last] ?? quoted(last);
  return items.length ? `${label} (${items.join(', ')})` : label;
}

export function tooLong(label: string, maximum: number): string {
  return `${label} is too long (at most ${maximum} characters).`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'must be text',
  number: 'must be a number',
  int: 'must be a whole number',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be an object',
  record: 'must be an object',
  literal: 'has the wrong value',
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The predicate ("must be a number") for an issue zod raised without a message from our schema. */
function predicate(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return 'is required';
      if ((issue.expected === 'number' || issue.expected === 'int') && 'received' in issue) return 'must be a finite number';
      return TYPE_WORDS[issue.expected] ?? 'has the wrong type';
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'is required' : `must be at least ${plural(min, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `needs at least ${plural(min, 'item')}`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `is too long (at most ${plural(max, 'character')})`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can have at most ${plural(max, 'item')}`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_value': {
      const values = issue.values.filter((v) => typeof v === 'string' || typeof v === 'number');
      return values.length > 0 && values.length <= 8 && values.length === issue.values.length
        ? `must be one of ${values.join(', ')}`
        : 'is not one of the accepted values';
    }
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return 'is not in the expected form';
    default:
      return 'is not valid';
  }
}

/** One sentence for one issue. `missing` says whether the caller left the field out altogether. */
export function issueMessage(issue: z.core.$ZodIssue, missing: boolean): string {
  const ours = issue.message !== NO_SCHEMA_MESSAGE ? issue.message : null;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, 5).map(quoted).join(', ');
    const where = issue.path.length ? ` in ${fieldLabel(issue.path)}` : '';
    return `${issue.keys.length > 1 ? 'Fields' : 'Field'} ${keys}${issue.keys.length > 5 ? ' …' : ''} ${issue.keys.length > 1 ? 'are' : 'is'} not part of this request${where}.`;
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues.find((i) => i.message !== NO_SCHEMA_MESSAGE);
    return `${fieldLabel(issue.path)} ${inner ? inner.message : 'is not an accepted name'}.`;
  }
  // A refinement across fields carries a whole sentence of ours.
  if (issue.code === 'custom' && ours) return ours;
  const label = fieldLabel(issue.path);
  return `${label} ${ours ?? predicate(issue, missing)}.`;
}

/** Whether the caller's input has nothing at `path` (the input was checked to be plain data first). */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  let at: unknown = input;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return true;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at === undefined;
}

/** The whole INVALID_INPUT message: the first three problems, and how many more there are. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  const parts = error.issues
    .slice(0, 3)
    .map((issue) => issueMessage(issue, issue.code === 'invalid_type' && issue.path.length > 0 && isMissing(input, issue.path)));
  const more = error.issues.length > 3 ? ` (${plural(error.issues.length - 3, 'more problem')}.)` : '';
  return `${parts.join(' ')}${more}`.slice(0, 1000);
}
