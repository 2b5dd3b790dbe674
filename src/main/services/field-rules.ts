import { fieldMaxLength, type BrokerDescriptor } from '../../shared/brokers';
import { AppError } from '../errors';
import { quoted, tooLong } from '../ipc/input-errors';

const compiled = new Map<string, RegExp>();

/** The descriptor's pattern over the whole value, compiled once. Descriptor patterns must run in linear time. */
function wholeValuePattern(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = new RegExp(`^(?:${pattern})$`)));
  return re;
}

/** What a secret looks like in lists: the last 4 characters, and none at all for short secrets such as PINs. */
export function previewOf(value: string, secret: boolean): string {
  if (!secret) return value.length > 64 ? `${value.slice(0, 61)}…` : value;
  return value.length >= 12 ? `••••${value.slice(-4)}` : '••••';
}

/**
 * Check user-entered fields against the broker's descriptor. Messages name the field, never echo the value.
 * `partial` is for updates: only the given fields are checked, and an empty value clears an optional field.
 */
export function checkFields(descriptor: BrokerDescriptor, fields: Record<string, string>, partial: boolean): void {
  const known = new Map(descriptor.fields.map((f) => [f.name, f]));
  for (const name of Object.keys(fields)) {
    if (!known.has(name)) {
      throw new AppError('INVALID_INPUT', `${descriptor.name} has no field "${name.slice(0, 40)}".`);
    }
  }
  for (const field of descriptor.fields) {
    const value = fields[field.name];
    if (value === undefined) {
      if (!partial && field.required) throw new AppError('INVALID_INPUT', `${field.label} is required.`);
      continue;
    }
    // SECURITY: the length cap comes before any pattern, so no pattern ever sees more than its field allows.
    const max = fieldMaxLength(field);
    if (value.length > max) throw new AppError('INVALID_INPUT', tooLong(quoted(field.label), max));
    const trimmed = value.trim();
    if (trimmed === '') {
      if (field.required) throw new AppError('INVALID_INPUT', `${field.label} is required.`);
      continue;
    }
    if (field.pattern && !wholeValuePattern(field.pattern).test(trimmed)) {
      throw new AppError('INVALID_INPUT', `${field.label} does not look right. ${field.help}`);
    }
  }
}

export function checkEnvironment(descriptor: BrokerDescriptor, environment: string): void {
  if (!descriptor.environments.some((e) => e.id === environment)) {
    const offered = descriptor.environments.map((e) => e.label).join(', ');
    throw new AppError('INVALID_INPUT', `${descriptor.name} offers these environments: ${offered}.`);
  }
}
