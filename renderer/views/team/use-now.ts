import { useEffect, useState } from 'react';

/** "Last seen 3 min ago" drifts; redraw it this often. */
const CLOCK_MS = 30_000;

/** The current time, updated every CLOCK_MS, for "… ago" texts. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}
