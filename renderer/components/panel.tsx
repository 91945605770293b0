import type { ReactNode } from 'react';

export interface PanelProps {
  title: string;
  /** Right side of the header: a count, a small action. */
  aside?: ReactNode;
  testId: string;
  children: ReactNode;
  className?: string;
}

export function Panel({ title, aside, testId, children, className }: PanelProps) {
  return (
    <section className={className ? `panel ${className}` : 'panel'} data-testid={testId}>
      <header className="panel-header">
        <h2 className="panel-title">{title}</h2>
        {aside !== undefined && <div className="panel-aside">{aside}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
