/**
 * The team load benchmark (bench/team-load.ts), briefly: 20 annotator sessions judge concurrently
 * against a real `reward-studio serve` process, some saves replayed with their action id; then
 * project.sqlite is counted. The full 60-second run is `npm run bench:team`.
 */
import { describe, expect, it } from 'vitest';
import { runTeamLoad } from '../../bench/team-load';

describe('a team under load', () => {
  it('stores every acknowledged judgment once, under its member, never past the overlap', async () => {
    const result = await runTeamLoad({ sessions: 20, seconds: 5, items: 400, overlap: 2 });
    expect(result.errors).toEqual([]);
    expect(result.saves).toBeGreaterThan(100);
    expect(result.replays).toBeGreaterThan(0);
    expect(result.judgmentsInDb).toBe(result.saves);
    expect(result.lost).toBe(0);
    expect(result.extra).toBe(0);
    expect(result.overfilled).toBe(0);
    expect(result.misattributed).toBe(0);
  }, 120_000);
});
