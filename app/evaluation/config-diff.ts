/**
 * The config diff of two runs: both config.json objects flattened to dotted keys (arrays are
 * compared whole), and only the keys whose values differ. A key one run lacks reads as null.
 */
import type { ConfigDifference } from './types';

export function flattenConfig(value: Record<string, unknown>, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  for (const [key, entry] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) flattenConfig(entry as Record<string, unknown>, name, out);
    else out.set(name, entry);
  }
  return out;
}

export function configDiff(a: Record<string, unknown>, b: Record<string, unknown>): ConfigDifference[] {
  const flatA = flattenConfig(a);
  const flatB = flattenConfig(b);
  const keys = [...new Set([...flatA.keys(), ...flatB.keys()])].sort();
  const differences: ConfigDifference[] = [];
  for (const key of keys) {
    const valueA = flatA.has(key) ? flatA.get(key) : null;
    const valueB = flatB.has(key) ? flatB.get(key) : null;
    if (JSON.stringify(valueA) !== JSON.stringify(valueB)) differences.push({ key, a: valueA ?? null, b: valueB ?? null });
  }
  return differences;
}
