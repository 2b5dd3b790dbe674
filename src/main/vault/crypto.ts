import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/** A 32-byte AES-256 key and the id recorded with everything it encrypts. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

export function newMasterKey(): MasterKey {
  return { id: randomBytes(8).toString('hex'), key: randomBytes(KEY_BYTES) };
}

/** Where a ciphertext belongs: binding it stops a value being moved to another row or field. */
export interface FieldLocation {
  recordId: string;
  field: string;
}

function associatedData(location: FieldLocation, keyId: string): Buffer {
  return Buffer.from(`brokervault|${FORMAT}|${location.recordId}|${location.field}|${keyId}`, 'utf8');
}

/**
 * AES-256-GCM with a fresh random 12-byte nonce per value. Stored as
 * `v1.<keyId>.<nonce>.<ciphertext>.<tag>` (base64url parts), so the format and the key are explicit.
 */
export function encryptField(master: MasterKey, location: FieldLocation, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(location, master.id));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, master.id, nonce.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
}

export function keyIdOf(stored: string): string | null {
  const parts = stored.split('.');
  return parts.length === 5 && parts[0] === FORMAT ? parts[1]! : null;
}

/** Fails with DECRYPTION_FAILED on any tamper, wrong key, wrong location or unknown format: never garbage. */
export function decryptField(master: MasterKey, location: FieldLocation, stored: string): string {
  const parts = stored.split('.');
  const fail = (why: string) => new AppError('DECRYPTION_FAILED', `A stored secret for this connection could not be decrypted (${why}).`);
  if (parts.length !== 5) throw fail('unrecognised format');
  const [format, keyId, nonceText, bodyText, tagText] = parts as [string, string, string, string, string];
  if (format !== FORMAT) throw fail(`unsupported format ${format.slice(0, 8)}`);
  if (keyId !== master.id) throw fail('it was encrypted under a different key');
  const nonce = Buffer.from(nonceText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw fail('damaged');
  try {
    const decipher = createDecipheriv('aes-256-gcm', master.key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(location, keyId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw fail('it was altered or does not belong here');
  }
}
