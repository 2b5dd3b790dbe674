import { fieldLabel } from './input-errors';

/** No channel's input nests deeper than 3 levels or holds more than a few hundred values; these leave room. */
export const MAX_INPUT_DEPTH = 8;
export const MAX_INPUT_NODES = 5000;

/**
 * What may reach a channel's schema: plain data only. Structured clone carries Date, Map, Set, RegExp,
 * ArrayBuffer and typed arrays across IPC, and zod's object schemas would take any of them as `{}`.
 * Walks without recursion, within a depth and size budget, so a deep or huge input cannot exhaust the stack
 * or hold main. Returns the problem in BrokerVault's words, or null.
 */
export function inputShapeProblem(input: unknown): string | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: input, path: [] }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++nodes > MAX_INPUT_NODES) return 'The request is too large.';
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return `${fieldLabel(path)} must be plain data.`;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_INPUT_DEPTH) return 'The request is nested too deeply.';
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) return `${fieldLabel(path)} must be a plain list.`;
      if (nodes + stack.length + value.length > MAX_INPUT_NODES) return 'The request is too large.';
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    // SECURITY: only objects made by a literal or JSON (prototype Object.prototype or null); no Date, Map, Set, buffers or class instances.
    if (proto !== Object.prototype && proto !== null) return `${fieldLabel(path)} must be a plain object (not a date, map, set or binary data).`;
    const keys = Object.keys(value);
    if (nodes + stack.length + keys.length > MAX_INPUT_NODES) return 'The request is too large.';
    for (const key of keys) stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
  }
  return null;
}
