import { useState } from 'react';

/** Copy a value to the clipboard and say so (falls back to selecting the text when the clipboard is refused). */
export function CopyButton({ value, label = 'Copy', targetId }: { value: string; label?: string; targetId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      if (targetId) {
        const el = document.getElementById(targetId);
        if (el) window.getSelection()?.selectAllChildren(el);
      }
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2500);
  };
  return (
    <>
      <button type="button" onClick={() => void copy()} aria-label={`${label} to clipboard`}>
        {state === 'copied' ? 'Copied ✓' : label}
      </button>
      <span className="sr-only" role="status">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'failed' ? 'Could not copy: the text is selected, press Ctrl+C.' : ''}
      </span>
      {state === 'failed' && <span className="help">Selected — press Ctrl+C to copy.</span>}
    </>
  );
}
