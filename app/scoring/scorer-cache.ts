/**
 * Keeps loaded models warm: loading a reward model takes seconds to minutes, scoring one prompt
 * milliseconds. At most one model is kept for the playground; asking for another closes it. A
 * model the HTTP API serves is pinned and stays loaded until serving stops (the playground may
 * then use it too, without a second copy).
 */
import type { ResolvedModel } from './model-resolver';
import type { RewardScorer } from './reward-scorer';

export type ScorerLoader = (model: ResolvedModel) => Promise<RewardScorer>;

interface Entry {
  model: ResolvedModel;
  scorer: Promise<RewardScorer>;
  pins: number;
}

export interface CachedScorer {
  scorer: RewardScorer;
  /** True when this call had to load the model (or waited for a load another call started). */
  loaded: boolean;
}

export class ScorerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly load: ScorerLoader) {}

  /** The loaded scorer of `model`, loading it (and closing the previous unpinned one) when needed. */
  async use(model: ResolvedModel, options: { pin?: boolean } = {}): Promise<CachedScorer> {
    let entry = this.entries.get(model.key);
    let loaded = false;
    if (!entry) {
      loaded = true;
      const created: Entry = { model, scorer: this.load(model), pins: 0 };
      entry = created;
      this.entries.set(model.key, created);
      // A failed load is forgotten, so the next request tries again instead of repeating the error.
      created.scorer.catch(() => {
        if (this.entries.get(model.key) === created) this.entries.delete(model.key);
      });
      await this.evictExcept(model.key);
    }
    if (options.pin) entry.pins += 1;
    try {
      return { scorer: await entry.scorer, loaded };
    } catch (error) {
      if (options.pin) entry.pins -= 1;
      throw error;
    }
  }

  /** Ends a pin; the model stays warm for the playground unless it already has another one. */
  async unpin(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || entry.pins === 0) return;
    entry.pins -= 1;
    if (entry.pins > 0) return;
    // The playground's model (if another one is warm) is the one worth keeping.
    const otherWarm = [...this.entries.values()].some((other) => other !== entry && other.pins === 0);
    if (otherWarm) {
      this.entries.delete(key);
      await closeEntry(entry);
    }
  }

  /** Keys of the models loaded or loading now (for tests and status). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => closeEntry(entry)));
  }

  /** Closes every unpinned model other than `keep`. */
  private async evictExcept(keep: string): Promise<void> {
    const gone = [...this.entries.values()].filter((entry) => entry.model.key !== keep && entry.pins === 0);
    for (const entry of gone) this.entries.delete(entry.model.key);
    await Promise.all(gone.map((entry) => closeEntry(entry)));
  }
}

async function closeEntry(entry: Entry): Promise<void> {
  try {
    await (await entry.scorer).close();
  } catch {
    // A load that failed has nothing to close.
  }
}
