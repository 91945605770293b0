/** Copies a text to the clipboard and says so for a moment. */
import { useEffect, useState } from 'react';
import { toastError } from '../../state/toast-store';

export function CopyButton({ text, label = 'Copy', testId }: { text: string; label?: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className="button small"
      data-testid={testId}
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          (error: unknown) => toastError(new Error(`the clipboard refused the text (${error instanceof Error ? error.message : String(error)}); select it and copy by hand`), 'Copy'),
        );
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}
