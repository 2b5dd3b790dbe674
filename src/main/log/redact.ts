/**
 * Redaction of secrets in anything that is logged, stored or sent to the renderer: values under sensitive
 * key names (logs), sensitive URL query parameters and header lines, and any value registered as a known
 * secret (every credential the vault encrypts or decrypts), in any common encoding, wherever it appears.
 */
const SENSITIVE_KEY =
  /(authorization|api[-_]?key|apikey|secret|token|password|passwd|pin|mpin|totp|otp|signature|checksum|cookie|session|private[-_]?key|jwt|appidhash|x-kite|x-privatekey|access|refresh)/i;

/** Query parameter names whose values are credentials. */
const SENSITIVE_PARAM = /token|key|secret|signature|checksum|password|code/i;

export const REDACTED = '[redacted]';

const PARAM_NAME = /[?&]([^=&#?\s]*)=/g;
const PARAM_VALUE = /[^&#\s]*/y;

/**
 * `?name=value` / `&name=value` with a sensitive name: the value becomes [redacted]. Linear time: a name stops at
 * the next '?' or '&' and a value is scanned once (one pattern with a word between two overlapping runs took
 * seconds on a long run without '=').
 */
function redactQueryParams(text: string): string {
  let out = '';
  let copied = 0;
  PARAM_NAME.lastIndex = 0;
  for (let match = PARAM_NAME.exec(text); match; match = PARAM_NAME.exec(text)) {
    if (!SENSITIVE_PARAM.test(match[1]!)) continue;
    PARAM_VALUE.lastIndex = PARAM_NAME.lastIndex;
    PARAM_VALUE.exec(text);
    out += `${text.slice(copied, PARAM_NAME.lastIndex)}${REDACTED}`;
    copied = PARAM_NAME.lastIndex = PARAM_VALUE.lastIndex;
  }
  return out + text.slice(copied);
}

/** Marks text that was cut short (brokerMessage): what stands right before it may be the start of a secret. */
export const TRUNCATED = '…';

/** Values shorter than this are not secrets worth matching (and would match everywhere). */
const MIN_SECRET_LENGTH = 4;
/** Shorter values (PINs, MPINs) only match as a whole word, so "1234" never cuts into an order id. */
const WORD_MATCH_BELOW = 8;
/** A cut-off secret is redacted when at least this much of its start stands before the cut. */
const MIN_DANGLING = 6;

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

/** One form of a secret as the matcher looks for it. */
interface Form {
  /** Lower case: matching ignores case (hex and %-escapes come in either). */
  text: string;
  /** Short values (PINs) match only as a whole word. */
  word: boolean;
  /** A piece of a longer base64 run: the few encoded characters around it go too. */
  embedded: boolean;
}

const KEY_LENGTH = MIN_SECRET_LENGTH;
const BASE64_CHAR = /[A-Za-z0-9+/_=-]/;
const WORD_CHAR = /[A-Za-z0-9]/;

/** Lower case without changing the length (a few characters lower-case into two), so offsets still line up. */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const c of text) {
    const l = c.toLowerCase();
    out += l.length === c.length ? l : c;
  }
  return out;
}

/**
 * A set of secret values and an index of their forms by their first characters, so scrubbing a text costs
 * about one lookup per character however many secrets main knows (a log line must not wait on hundreds).
 */
class SecretSet {
  private readonly values = new Set<string>();
  private index: Map<string, Form[]> | null = null;
  /** Forms of values long enough to be recognised by their start, by their first MIN_DANGLING characters. */
  private starts = new Map<string, string[]>();
  private longest = 0;

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.index = null;
  }

  get size(): number {
    return this.values.size;
  }

  scrub(text: string): string {
    if (this.values.size === 0 || text === '') return text;
    if (!this.index) this.build();
    return this.scrubDangling(this.scrubForms(text));
  }

  private build(): void {
    const index = new Map<string, Form[]>();
    const starts = new Map<string, string[]>();
    let longest = 0;
    const put = (form: Form) => {
      const key = form.text.slice(0, KEY_LENGTH);
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push(form);
    };
    for (const value of this.values) {
      const { exact, embedded } = secretForms(value);
      const word = value.length < WORD_MATCH_BELOW;
      for (const form of exact) {
        const text = lowerSameLength(form);
        put({ text, word, embedded: false });
        if (!word) {
          const key = text.slice(0, MIN_DANGLING);
          starts.set(key, [...(starts.get(key) ?? []), text]);
          longest = Math.max(longest, text.length);
        }
      }
      for (const form of embedded) put({ text: lowerSameLength(form), word: false, embedded: true });
    }
    // Longest first, so a longer form wins where two start at the same place.
    for (const list of index.values()) list.sort((a, b) => b.text.length - a.text.length);
    this.index = index;
    this.starts = starts;
    this.longest = longest;
  }

  private scrubForms(text: string): string {
    const lower = lowerSameLength(text);
    let out = '';
    let kept = 0;
    let i = 0;
    while (i <= lower.length - KEY_LENGTH) {
      const form = this.index!.get(lower.slice(i, i + KEY_LENGTH))?.find((f) => this.matchesAt(lower, i, f));
      if (!form) {
        i += 1;
        continue;
      }
      let from = i;
      let to = i + form.text.length;
      if (form.embedded) {
        for (let n = 0; n < 3 && from > kept && BASE64_CHAR.test(text[from - 1]!); n++) from -= 1;
        for (let n = 0; n < 3 && to < text.length && BASE64_CHAR.test(text[to]!); n++) to += 1;
      }
      out += text.slice(kept, from) + REDACTED;
      kept = i = to;
    }
    return kept === 0 ? text : out + text.slice(kept);
  }

  private matchesAt(lower: string, at: number, form: Form): boolean {
    if (!lower.startsWith(form.text, at)) return false;
    if (!form.word) return true;
    const end = at + form.text.length;
    return !(at > 0 && WORD_CHAR.test(lower[at - 1]!)) && !(end < lower.length && WORD_CHAR.test(lower[end]!));
  }

  /** Where text was cut short (a TRUNCATED mark), redact a dangling start of a secret before the cut. */
  private scrubDangling(text: string): string {
    let out = text;
    for (let cut = out.lastIndexOf(TRUNCATED); cut >= 0; cut = cut === 0 ? -1 : out.lastIndexOf(TRUNCATED, cut - 1)) {
      const before = lowerSameLength(out.slice(Math.max(0, cut - this.longest), cut));
      let dangling = 0;
      // The longest tail of `before` that some form starts with (shorter than the form: whole ones are gone).
      for (let k = before.length; k >= MIN_DANGLING && dangling === 0; k--) {
        const tail = before.slice(before.length - k);
        if (this.starts.get(tail.slice(0, MIN_DANGLING))?.some((form) => form.length > k && form.startsWith(tail))) dangling = k;
      }
      if (dangling) out = out.slice(0, cut - dangling) + REDACTED + out.slice(cut);
    }
    return out;
  }
}

/** Token-like credentials in URLs and header lines, whoever they belong to. */
function scrubPatterns(text: string): string {
  return redactQueryParams(text)
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
