import { useId, useState, type ReactNode } from 'react';
import { fieldMaxLength, type BrokerField } from '../../../shared/brokers';
import { apiHostProblem as hostRuleProblem } from '../../../shared/api-host';

/** The same rule main applies: the trimmed value must match the whole pattern. Returns the problem or null. */
export function fieldProblem(field: BrokerField, value: string | undefined, options: { optionalBlank?: boolean } = {}): string | null {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') return field.required && !options.optionalBlank ? `${field.label} is required.` : null;
  if ((value ?? '').length > fieldMaxLength(field)) return `${field.label} is too long (at most ${fieldMaxLength(field)} characters).`;
  if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(trimmed)) {
    return `${field.label} does not look right${field.placeholder ? ` (expected something like ${field.placeholder.replace(/^e\.g\.\s*/, '')})` : ''}. Check where to find it below.`;
  }
  return null;
}

/** A labelled input with help text, an inline error and, for secrets, a show/hide toggle. */
export function TextField({
  label,
  value,
  onChange,
  onBlur,
  help,
  error,
  secret,
  required,
  placeholder,
  inputMode,
  name,
  extra,
  autoFocus,
  hideOptional,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  onBlur?(): void;
  help?: ReactNode;
  error?: string | null;
  secret?: boolean;
  required?: boolean;
  placeholder?: string;
  inputMode?: 'numeric' | 'text' | 'url';
  name?: string;
  extra?: ReactNode;
  autoFocus?: boolean;
  /** Editing: blank keeps the saved value, so "(optional)" would mislead. */
  hideOptional?: boolean;
}) {
  const id = useId();
  const [shown, setShown] = useState(false);
  const describedBy = [error ? `${id}-err` : null, help ? `${id}-help` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {/* Some brokers' labels already say so ("Account ID (optional)"): never "(optional) (optional)". */}
        {!required && !hideOptional && !/\(optional\)/i.test(typeof label === 'string' ? label : '') && <span className="muted"> (optional)</span>}
      </label>
      <div className="field-row">
        <input
          id={id}
          name={name}
          type={secret && !shown ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="off"
          aria-required={required}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          placeholder={placeholder}
          inputMode={inputMode}
          value={value}
          autoFocus={autoFocus}
          onChange={(e) => onChange(e.target.value)}
          onBlur={onBlur}
        />
        {secret && (
          <button type="button" className="ghost" aria-pressed={shown} aria-label={`${shown ? 'Hide' : 'Show'} ${label}`} onClick={() => setShown(!shown)}>
            {shown ? 'Hide' : 'Show'}
          </button>
        )}
        {extra}
      </div>
      {error && (
        <span id={`${id}-err`} className="field-error">
          {error}
        </span>
      )}
      {help && (
        <span id={`${id}-help`} className="help">
          {help}
        </span>
      )}
    </div>
  );
}

/** One broker credential field, validated like main validates it. */
export function BrokerFieldInput({
  field,
  value,
  onChange,
  showError,
  onBlur,
  keepPreview,
  autoFocus,
}: {
  field: BrokerField;
  value: string;
  onChange(value: string): void;
  showError: boolean;
  onBlur(): void;
  /** Editing: a blank value keeps the saved one (shown masked). */
  keepPreview?: string;
  autoFocus?: boolean;
}) {
  const error = showError ? fieldProblem(field, value, { optionalBlank: keepPreview !== undefined }) : null;
  return (
    <TextField
      name={field.name}
      label={field.label}
      value={value}
      onChange={onChange}
      onBlur={onBlur}
      help={field.help}
      error={error}
      secret={field.secret}
      required={field.required && keepPreview === undefined}
      placeholder={keepPreview !== undefined ? `Leave blank to keep ${keepPreview || 'the saved value'}` : field.placeholder}
      inputMode={field.input === 'pin' || field.input === 'number' ? 'numeric' : field.input === 'url' ? 'url' : 'text'}
      autoFocus={autoFocus}
      hideOptional={keepPreview !== undefined}
    />
  );
}

/** The host override's problem under main's own rule (blank: the broker's own address). */
export function apiHostProblem(value: string): string | null {
  return value.trim() === '' ? null : hostRuleProblem(value.trim());
}
