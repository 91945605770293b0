import { forwardRef } from 'react';

export interface SearchFieldProps {
  value: string;
  onChange(value: string): void;
  label: string;
  testId: string;
  /** Extra class on the wrapper, e.g. 'compact' in the queue toolbar. */
  className?: string;
}

/**
 * The search box of the list views: `/` focuses it (the key hint is drawn inside the field),
 * Escape or Enter hands the keyboard back to the list's shortcuts.
 */
export const SearchField = forwardRef<HTMLInputElement, SearchFieldProps>(function SearchField(
  { value, onChange, label, testId, className },
  ref,
) {
  return (
    <div className={className ? `search ${className}` : 'search'}>
      <input
        ref={ref}
        className="input"
        type="search"
        placeholder="Search query and responses"
        aria-label={label}
        spellCheck={false}
        value={value}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' || event.key === 'Enter') event.currentTarget.blur();
        }}
      />
      <kbd className="search-key" aria-hidden="true">
        /
      </kbd>
    </div>
  );
});
