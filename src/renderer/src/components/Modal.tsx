import * as Dialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';

/** A Radix dialog with the app's frame: focus is trapped inside and returns to the trigger on close. */
export function Modal({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
  tone,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
  tone?: 'danger' | 'live';
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className={`dialog${wide ? ' dialog-wide' : ''}${tone ? ` dialog-${tone}` : ''}`}>
          <Dialog.Title className="dialog-title">{title}</Dialog.Title>
          {description ? <Dialog.Description className="muted">{description}</Dialog.Description> : <Dialog.Description className="sr-only">{title}</Dialog.Description>}
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
