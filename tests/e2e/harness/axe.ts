/**
 * axe-core in the studio's page: scans the whole document and fails on any violation of impact
 * serious or critical (moderate and minor ones are printed). Shared by the accessibility e2e
 * (every view on the sample project) and the first-hour e2e (the views with real runs and
 * evaluations in them).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The subset of axe's result this test reads (axe-core's own types describe the in-page API). */
interface AxeNode {
  target: unknown[];
  /** axe's own words on what is wrong with this node (for colour contrast: the two colours and the ratio). */
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** Only these impacts fail the test; moderate and minor ones are printed, not enforced. */
const BLOCKING_IMPACTS: readonly string[] = ['serious', 'critical'];

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe on the whole document. The source goes in through page.evaluate, which the page's
 * Content-Security-Policy does not see; addScriptTag would be refused as an inline script.
 */
async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    // Plain data only: the nodes carry DOM references the protocol cannot send back.
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
    }));
  });
}

/** One line per violation: what a person needs to find and fix it. */
function describeViolation(where: string, violation: AxeViolation): string {
  const targets = violation.nodes.slice(0, 5).map((node) => JSON.stringify(node.target)).join(', ');
  const first = violation.nodes[0]?.failureSummary?.replace(/\s+/g, ' ') ?? '';
  return `[${where}] ${violation.id} (${violation.impact}, ${violation.nodes.length} nodes): ${violation.help} — ${targets} — first: ${first}`;
}

/** Scans the page and fails on any serious or critical violation, listing them all. */
export async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const violations = await runAxe(page);
  const lesser = violations.filter((violation) => !BLOCKING_IMPACTS.includes(violation.impact ?? ''));
  for (const violation of lesser) console.info(describeViolation(where, violation));
  const blocking = violations.filter((violation) => BLOCKING_IMPACTS.includes(violation.impact ?? ''));
  // Soft: one view's findings must not hide the next view's, and the walk goes on to the end.
  expect.soft(blocking.map((violation) => describeViolation(where, violation))).toEqual([]);
}

