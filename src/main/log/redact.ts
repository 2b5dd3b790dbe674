/**
 * Redaction of secrets in anything that is logged, stored or sent to the renderer: values under sensitive
 * key names (logs), sensitive URL query parameters and header lines, and any value registered as a known
 * secret (every credential the vault encrypts or decrypts), in any common encoding, wherever it appears.
 */
const SENSITIVE_KEY =
  /(authorization|api[-_]?key|apikey|secret|token|password|passwd|pin|mpin|totp|otp|signature|checksum|cookie|session|private[-_]?key|jwt|appidhash|x-kite|x-privatekey|access|refresh)/i;

export const REDACTED = '[redacted]';

/** Marks text that was cut short (brokerMessage): what stands right before it may be the start of a secret. */
export const TRUNCATED = '…';

/** Values shorter than this are not secrets worth matching (and would match everywhere). */
const MIN_SECRET_LENGTH = 4;
/** Shorter values (PINs, MPINs) only match as a whole word, so "1234" never cuts into an order id. */
const WORD_MATCH_BELOW = 8;
/** A cut-off secret is redacted when at least this much of its start stands before the cut. */
const MIN_DANGLING = 6;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The forms in which a secret can be quoted back: raw; JSON-escaped (also with escaped slashes and
 * \uXXXX for non-ASCII, as other serializers write it); URL-encoded (component and form style); hex;
 * base64 and base64url, both whole and as the part that stays the same wherever the secret sits inside
 * a longer encoded text (a Basic header, a base64 body). Matching ignores case, which covers hex and
 * %-escapes written in either case.
 */
export function secretForms(value: string): { exact: string[]; embedded: string[] } {
  const bytes = Buffer.from(value);
  const json = JSON.stringify(value).slice(1, -1);
  const slashes = json.replace(/\//g, '\\/');
  const ascii = (text: string) => text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const exact = new Set([
    value,
    json,
    slashes,
    ascii(json),
    ascii(slashes),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    bytes.toString('hex'),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ]);
  const embedded = new Set<string>();
  if (value.length >= WORD_MATCH_BELOW) {
    for (let offset = 0; offset < 3; offset++) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
      // Characters that depend only on the secret's bytes, not on what stands before or after it.
      const stable = encoded.slice(offset ? 4 : 0, 4 * Math.floor((offset + bytes.length) / 3));
      embedded.add(stable);
      embedded.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return { exact: [...exact], embedded: [...embedded] };
}

/** A set of secret values and one compiled pattern that finds any of their forms. */
class SecretSet {
  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;
  private prefixes: string[] = [];

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = null;
  }

  get size(): number {
    return this.values.size;
  }

  scrub(text: string): string {
    if (this.values.size === 0 || text === '') return text;
    if (!this.pattern) this.compile();
    return this.scrubDangling(text.replace(this.pattern!, REDACTED));
  }

  private compile(): void {
    const alternatives: { source: string; length: number }[] = [];
    const prefixes = new Set<string>();
    for (const value of this.values) {
      const { exact, embedded } = secretForms(value);
      const word = value.length < WORD_MATCH_BELOW;
      for (const form of exact) {
        const source = escapeRegExp(form);
        alternatives.push({ source: word ? `(?<![A-Za-z0-9])${source}(?![A-Za-z0-9])` : source, length: form.length });
        if (!word) prefixes.add(form.toLowerCase());
      }
      // Take the few encoded characters on either side too: they carry bits of the secret as well.
      for (const form of embedded) alternatives.push({ source: `[A-Za-z0-9+/_-]{0,3}${escapeRegExp(form)}[A-Za-z0-9+/_=-]{0,3}`, length: form.length });
    }
    alternatives.sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(alternatives.map((a) => a.source).join('|'), 'gi');
    this.prefixes = [...prefixes];
  }

  /** Where text was cut short (a TRUNCATED mark), redact a dangling start of a secret before the cut. */
  private scrubDangling(text: string): string {
    let out = text;
    for (let cut = out.lastIndexOf(TRUNCATED); cut >= 0; cut = cut === 0 ? -1 : out.lastIndexOf(TRUNCATED, cut - 1)) {
      const before = out.slice(Math.max(0, cut - 4096), cut).toLowerCase();
      let longest = 0;
      for (const form of this.prefixes) {
        for (let k = Math.min(form.length - 1, before.length); k >= MIN_DANGLING && k > longest; k--) {
          if (before.endsWith(form.slice(0, k))) {
            longest = k;
            break;
          }
        }
      }
      if (longest) out = out.slice(0, cut - longest) + REDACTED + out.slice(cut);
    }
    return out;
  }
}

/** Token-like credentials in URLs and header lines, whoever they belong to. */
function scrubPatterns(text: string): string {
  return text
    .replace(/([?&](?:[^=&#\s]*(?:token|key|secret|signature|checksum|password|code)[^=&#\s]*)=)[^&#\s]*/gi, `$1${REDACTED}`)
    .replace(/\b(authorization|x-api-key|apca-api-secret-key|apca-api-key-id|x-mbx-apikey)(\s*[:=]\s*)[^\s,;"']+(\s+[^\s,;"']+)?/gi, `$1$2${REDACTED}`)
    .replace(/\b(Bearer|token)\s+[A-Za-z0-9._~+/:=-]{8,}/g, `$1 ${REDACTED}`);
}

/**
 * Every secret value main has handled, globally (for logs and as the last net on IPC errors) and per
 * connection: the vault registers each value it encrypts or decrypts under its connection id, so a
 * connection's messages are scrubbed against that connection's own secrets and session tokens, short
 * ones (PINs) included, in every encoding they may be quoted in.
 */
export class SecretRegistry {
  private readonly all = new SecretSet();
  private readonly scopes = new Map<string, SecretSet>();

  /** Remember a secret value, under its connection id when it belongs to one. */
  add(value: string, scope?: string): void {
    this.all.add(value);
    if (scope === undefined) return;
    let set = this.scopes.get(scope);
    if (!set) this.scopes.set(scope, (set = new SecretSet()));
    set.add(value);
  }

  /** Scrub against every secret known, plus token-like credentials in URLs and headers. */
  scrub(text: string): string {
    return scrubPatterns(this.all.scrub(text));
  }

  /**
   * Scrub a message about one connection (null: credentials not saved yet) against its own secrets and
   * `extra` values in play for this call (credentials being tested, session tokens just obtained).
   */
  scrubFor(scope: string | null, text: string, extra: Iterable<string> = []): string {
    let out = scope === null ? text : (this.scopes.get(scope)?.scrub(text) ?? text);
    const more = new SecretSet();
    for (const value of extra) more.add(value);
    if (more.size) out = more.scrub(out);
    return scrubPatterns(out);
  }

  redact(value: unknown, depth = 0): unknown {
    if (depth > 8) return '[deep]';
    if (typeof value === 'string') return this.scrub(value);
    if (value instanceof Error) {
      return { name: value.name, message: this.scrub(value.message) };
    }
    if (Array.isArray(value)) return value.map((item) => this.redact(item, depth + 1));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        out[key] = SENSITIVE_KEY.test(key) && inner != null && inner !== '' ? REDACTED : this.redact(inner, depth + 1);
      }
      return out;
    }
    return value;
  }
}
