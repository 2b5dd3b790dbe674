/**
 * Redaction of secrets in anything that is about to be logged: values under sensitive key names,
 * sensitive URL query parameters and header lines, and any value registered as a known secret
 * (every decrypted credential is registered), wherever it appears inside a string.
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

export class SecretRegistry {
  private readonly secrets = new Set<string>();

  /** Remember a secret value so it is scrubbed from logs even where it is not under a sensitive key. */
  add(value: string): void {
    if (value.length >= 4) this.secrets.add(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return redactQueryParams(out)
      .replace(/\b(authorization|x-api-key|apca-api-secret-key|apca-api-key-id|x-mbx-apikey)(\s*[:=]\s*)[^\s,;"']+(\s+[^\s,;"']+)?/gi, `$1$2${REDACTED}`)
      .replace(/\b(Bearer|token)\s+[A-Za-z0-9._~+/:=-]{8,}/g, `$1 ${REDACTED}`);
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
