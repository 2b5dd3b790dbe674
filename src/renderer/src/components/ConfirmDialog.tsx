import type { ReactNode } from 'react';
import { useAction } from '../hooks/useAction';
import { ErrorText } from './ErrorText';
import { Modal } from './Modal';
import { Spinner } from './Spinner';

/** Ask before a destructive step; the action runs inside, with its progress and error. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  body,
  confirmLabel,
  busyLabel = 'Working…',
  onConfirm,
  danger = true,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  onConfirm(): Promise<unknown>;
  danger?: boolean;
}) {
  const { busy, error, setError, run } = useAction();
  const confirm = async () => {
    const done = await run(async () => {
      await onConfirm();
      return true;
    });
    if (done) onOpenChange(false);
  };
  return (
    <Modal
      open={open}
      onOpenChange={(next) => {
        if (!next) setError(null);
        onOpenChange(next);
      }}
      title={title}
      description={body}
      tone={danger ? 'danger' : undefined}
    >
      <ErrorText error={error} />
      <div className="dialog-actions">
        {busy && <Spinner label={busyLabel} />}
        <button type="button" onClick={() => onOpenChange(false)} disabled={busy}>
          Cancel
        </button>
        <button type="button" className={danger ? 'danger-solid' : 'primary'} onClick={() => void confirm()} disabled={busy}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
