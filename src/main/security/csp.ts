/**
 * The renderer's Content-Security-Policy (set by a meta tag in src/renderer/index.html and checked by tests):
 * scripts only from the bundle (no inline, no eval), network only back to the app's own origin.
 * Inline styles are allowed because Radix's scroll lock injects a <style> element; styles cannot run code.
 */
export const KNOWN_DIRECTIVES = new Set([
  'default-src',
  'script-src',
  'script-src-elem',
  'script-src-attr',
  'style-src',
  'style-src-elem',
  'style-src-attr',
  'img-src',
  'font-src',
  'connect-src',
  'media-src',
  'object-src',
  'frame-src',
  'child-src',
  'worker-src',
  'manifest-src',
  'base-uri',
  'form-action',
  'frame-ancestors',
  'upgrade-insecure-requests',
]);

export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const [name, ...values] = tokens as [string, ...string[]];
    out.set(name.toLowerCase(), values);
  }
  return out;
}

/** Problems with a policy; empty when it holds every rule. */
export function cspProblems(policy: string): string[] {
  const problems: string[] = [];
  const directives = parseCsp(policy);
  for (const name of directives.keys()) if (!KNOWN_DIRECTIVES.has(name)) problems.push(`unknown directive ${name}`);
  const get = (name: string) => directives.get(name) ?? directives.get('default-src') ?? [];
  if (!directives.has('default-src')) problems.push('no default-src');
  const scripts = get('script-src');
  if (scripts.some((v) => v !== "'self'")) problems.push(`script-src allows more than 'self': ${scripts.join(' ')}`);
  const connect = get('connect-src');
  if (connect.some((v) => v !== "'self'" && v !== "'none'")) problems.push(`connect-src allows the network: ${connect.join(' ')}`);
  for (const name of ['object-src', 'base-uri', 'form-action', 'frame-src']) {
    const values = get(name);
    if (!(values.length === 1 && values[0] === "'none'")) problems.push(`${name} should be 'none'`);
  }
  return problems;
}
