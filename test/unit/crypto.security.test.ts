import { describe, expect, it } from 'vitest';
import { decryptField, encryptField, keyIdOf, newMasterKey } from '../../src/main/vault/crypto';

const key = newMasterKey();
const here = { recordId: 'a'.repeat(32), field: 'api_secret' };
const secret = 'sk-live-CANARY-4f9d2c';

function flip(stored: string, part: number, index = 0): string {
  const parts = stored.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[index] = bytes[index]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('field encryption (AES-256-GCM)', () => {
  it('round-trips and records format and key id', () => {
    const stored = encryptField(key, here, secret);
    expect(stored.startsWith(`v1.${key.id}.`)).toBe(true);
    expect(keyIdOf(stored)).toBe(key.id);
    expect(decryptField(key, here, stored)).toBe(secret);
  });

  it('uses a fresh 12-byte nonce every time', () => {
    const a = encryptField(key, here, secret).split('.');
    const b = encryptField(key, here, secret).split('.');
    expect(Buffer.from(a[2]!, 'base64url')).toHaveLength(12);
    expect(a[2]).not.toBe(b[2]);
    expect(a[3]).not.toBe(b[3]);
  });

  it('never stores the plaintext', () => {
    const stored = encryptField(key, here, secret);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(Buffer.from(secret).toString('base64'));
  });

  const tampers: [string, (s: string) => string][] = [
    ['a ciphertext bit', (s) => flip(s, 3)],
    ['the last ciphertext bit', (s) => flip(s, 3, Buffer.from(s.split('.')[3]!, 'base64url').length - 1)],
    ['a tag bit', (s) => flip(s, 4)],
    ['a nonce bit', (s) => flip(s, 2)],
    ['a truncated tag', (s) => s.slice(0, -3)],
    [
      'a truncated ciphertext',
      (s) =>
        s
          .split('.')
          .map((p, i) => (i === 3 ? p.slice(0, -2) : p))
          .join('.'),
    ],
    ['the format version', (s) => s.replace(/^v1\./, 'v2.')],
    ['the key id', (s) => s.replace(`.${key.id}.`, '.0000000000000000.')],
    ['a missing part', (s) => s.split('.').slice(0, 4).join('.')],
    ['an extra part', (s) => `${s}.AA`],
    ['an empty string', () => ''],
    ['plaintext', () => secret],
  ];
  for (const [what, tamper] of tampers) {
    it(`fails loudly on ${what}`, () => {
      const stored = tamper(encryptField(key, here, secret));
      expect(() => decryptField(key, here, stored)).toThrowError(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
    });
  }

  it('fails with a wrong key of the same id', () => {
    const stored = encryptField(key, here, secret);
    const impostor = { id: key.id, key: newMasterKey().key };
    expect(() => decryptField(impostor, here, stored)).toThrowError(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
  });

  it('fails with a different key', () => {
    const stored = encryptField(key, here, secret);
    expect(() => decryptField(newMasterKey(), here, stored)).toThrowError(/different key/);
  });

  it('fails when the value is moved to another field', () => {
    const stored = encryptField(key, here, secret);
    expect(() => decryptField(key, { ...here, field: 'api_key' }, stored)).toThrowError(/altered or does not belong/);
  });

  it('fails when the value is moved to another connection', () => {
    const stored = encryptField(key, here, secret);
    expect(() => decryptField(key, { ...here, recordId: 'b'.repeat(32) }, stored)).toThrowError(/altered or does not belong/);
  });

  it('error messages never contain the secret', () => {
    const stored = flip(encryptField(key, here, secret), 3);
    try {
      decryptField(key, here, stored);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
    }
  });
});
