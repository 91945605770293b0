/**
 * "Show model scores while judging": off by default (a visible score anchors the judgment), and
 * remembered per browser profile once turned on. localStorage, not the studio settings: it is a
 * viewing preference of this screen, not something the core needs to know.
 */
import { useCallback, useState } from 'react';

const STORAGE_KEY = 'reward-studio.annotate.show-model-scores';

export function readShowModelScores(storage: Pick<Storage, 'getItem'> | null = safeStorage()): boolean {
  try {
    return storage?.getItem(STORAGE_KEY) === 'true';
  } catch {
    return false;
  }
}

export function writeShowModelScores(on: boolean, storage: Pick<Storage, 'setItem'> | null = safeStorage()): void {
  try {
    storage?.setItem(STORAGE_KEY, on ? 'true' : 'false');
  } catch {
    // A full or disabled storage only costs the memory of the choice.
  }
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function useShowModelScores(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => readShowModelScores());
  const set = useCallback((value: boolean) => {
    writeShowModelScores(value);
    setOn(value);
  }, []);
  return [on, set];
}
