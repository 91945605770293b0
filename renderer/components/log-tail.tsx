/**
 * The last lines of a log (the environment setup, a worker), following new lines while the
 * person is at the bottom and staying put once they scroll up to read.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';

export interface LogTailProps {
  lines: readonly string[];
  testId: string;
  /** What the box says before the first line. */
  emptyText: string;
  maxHeight?: number;
}

export function LogTail({ lines, testId, emptyText, maxHeight = 220 }: LogTailProps) {
  const box = useRef<HTMLPreElement>(null);
  const following = useRef(true);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const onScroll = () => {
      following.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  return (
    <pre className="log-tail" ref={box} style={{ maxHeight }} data-testid={testId} data-lines={lines.length} tabIndex={0}>
      {lines.length === 0 ? <span className="muted">{emptyText}</span> : lines.join('\n')}
    </pre>
  );
}
