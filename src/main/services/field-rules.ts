import type { BrokerDescriptor } from '../../shared/brokers';
import { AppError } from '../errors';

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
    const trimmed = value.trim();
    if (trimmed === '') {
      if (field.required) throw new AppError('INVALID_INPUT', `${field.label} is required.`);
      continue;
    }
    if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(trimmed)) {
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
