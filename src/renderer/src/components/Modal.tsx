import * as Dialog from '@radix-ui/react-dialog';
import { useRef, type ReactNode } from 'react';

/** A Radix dialog with the app's frame: focus is trapped inside and returns to the trigger on close. */
export function Modal({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
  className,
  tone,
  dismissable = true,
  testId,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
  /** Extra class on the dialog frame, for a dialog that needs its own size. */
  className?: string;
  tone?: 'danger' | 'live';
  /** False when the dialog needs an answer: Escape and clicks outside do not close it. */
  dismissable?: boolean;
  testId?: string;
}) {
  // The element that had the focus when the dialog opened, read while rendering: a field with autoFocus inside
  // takes the focus before Radix looks, and Radix would then return it to that (gone) field, i.e. to nowhere.
  const returnTo = useRef<Element | null>(null);
  const wasOpen = useRef(false);
  if (open && !wasOpen.current && typeof document !== 'undefined') returnTo.current = document.activeElement;
  wasOpen.current = open;
  const restoreFocus = (event: Event) => {
    const target = returnTo.current;
    if (target instanceof HTMLElement && target.isConnected) {
      event.preventDefault();
      target.focus();
    }
  };
  const hold = (event: Event) => {
    if (!dismissable) event.preventDefault();
  };
  const escape = (event: KeyboardEvent) => {
    hold(event);
    // Escape in an open suggestion list (the symbol search) closes the list first, not the dialog.
    const target = event.target;
    if (target instanceof HTMLElement && target.getAttribute('role') === 'combobox' && target.getAttribute('aria-expanded') === 'true') event.preventDefault();
  };
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className={`dialog${wide ? ' dialog-wide' : ''}${tone ? ` dialog-${tone}` : ''}${className ? ` ${className}` : ''}`}
          onEscapeKeyDown={escape}
          onCloseAutoFocus={restoreFocus}
          onPointerDownOutside={hold}
          onInteractOutside={hold}
          data-testid={testId}
        >
          <Dialog.Title className="dialog-title">{title}</Dialog.Title>
          {description ? (
            <Dialog.Description className="muted">{description}</Dialog.Description>
          ) : (
            <Dialog.Description className="sr-only">{title}</Dialog.Description>
          )}
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
