/**
 * Redaction of secrets in anything that is about to be logged: values under sensitive key names,
 * sensitive URL query parameters and header lines, and any value registered as a known secret
 * (every decrypted credential is registered), wherever it appears inside a string.
 */
const SENSITIVE_KEY =
  /(authorization|api[-_]?key|apikey|secret|token|password|passwd|pin|mpin|totp|otp|signature|checksum|cookie|session|private[-_]?key|jwt|appidhash|x-kite|x-privatekey|access|refresh)/i;

export const REDACTED = '[redacted]';

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
    return out
      .replace(/([?&](?:[^=&#\s]*(?:token|key|secret|signature|checksum|password|code)[^=&#\s]*)=)[^&#\s]*/gi, `$1${REDACTED}`)
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
