import type { AuditStatus } from '../../../shared/schemas';
import { useApp } from '../store';

/** The first letter up, so main's reason reads as a sentence. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** True when main found the audit trail broken; the Audit nav item shows a dot for it. */
export function useAuditBroken(): boolean {
  return useApp((s) => s.audit?.state === 'broken');
}

function since(status: AuditStatus): string {
  return status.brokenSince !== null ? new Date(status.brokenSince).toLocaleString() : 'the last check';
}

/**
 * A broken audit trail, on every page until a check finds it intact: what is wrong, since when, what to do.
 * Shown without the trader opening the Audit page, because nobody opens it to look for a cut log.
 */
export function AuditAlarm() {
  const audit = useApp((s) => s.audit);
  const go = useApp((s) => s.go);
  if (audit?.state !== 'broken' || !audit.report) return null;
  const { report } = audit;
  return (
    <div className="error-box audit-alarm" role="alert" data-testid="audit-alarm">
      <strong>The audit trail was tampered with (found {since(audit)}).</strong> {sentence(report.reason ?? 'it no longer verifies')}
      {report.brokenAt !== null ? ` (at entry ${report.brokenAt})` : ''}. Something changed BrokerVault&apos;s records outside the app, so its history of
      credential changes, mode switches and orders can no longer be trusted. <strong>What to do:</strong> keep a copy of your data folder as it is now, check
      your orders and positions in each broker&apos;s own app or website, and restore the data folder from a backup you trust.{' '}
      <button type="button" className="link" onClick={() => go('audit')}>
        Open Audit
      </button>
    </div>
  );
}
