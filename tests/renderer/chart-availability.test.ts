import { describe, expect, it } from 'vitest';
import { chartsFor } from '../../renderer/views/runs/chart-availability';

const ids = (charts: ReturnType<typeof chartsFor>) => charts.map((chart) => chart.spec.id);
const hintOf = (charts: ReturnType<typeof chartsFor>, id: string) => charts.find((chart) => chart.spec.id === id)?.emptyHint;

describe('charts a run can fill', () => {
  it('leaves out GPU memory when every charted run trained on CPU, keeps it when any used a GPU', () => {
    const cpu = { gpus: [], valItems: 10, evalSteps: 0 };
    expect(ids(chartsFor([cpu]))).not.toContain('gpu-memory');
    expect(ids(chartsFor([cpu, { ...cpu, gpus: [0] }]))).toContain('gpu-memory');
    expect(ids(chartsFor([cpu]))).toContain('eval-loss');
  });

  it('says when the first evaluation comes, or that it never will', () => {
    expect(hintOf(chartsFor([{ gpus: [], valItems: 0, evalSteps: 0 }]), 'eval-loss')).toMatch(/no validation items, so it is never evaluated/);
    expect(hintOf(chartsFor([{ gpus: [], valItems: 12, evalSteps: 25 }]), 'eval-loss')).toBe('Appears after the first evaluation, at step 25 (12 validation items).');
    expect(hintOf(chartsFor([{ gpus: [], valItems: 12, evalSteps: 0 }]), 'eval-loss')).toMatch(/end of the first epoch/);
    // While the detail loads nothing is claimed about the run.
    expect(hintOf(chartsFor([{ gpus: [], valItems: null, evalSteps: null }]), 'eval-loss')).toMatch(/needs a validation split/);
  });
});
