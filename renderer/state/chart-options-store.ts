/**
 * The Run view's chart settings (x axis, smoothing, log scale), shared by all charts and
 * remembered across reloads: a person who reads loss on a log axis wants it that way next time.
 */
import { create } from 'zustand';
import type { ChartOptions, XAxisMode } from '../charts/chart-lines';

const STORAGE_KEY = 'reward-studio:chart-options';
const DEFAULTS: ChartOptions = { xAxis: 'step', smoothing: 0.6, logScale: false };

function load(): ChartOptions {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<ChartOptions> | null;
    if (!stored) return DEFAULTS;
    return {
      xAxis: stored.xAxis === 'time' ? 'time' : 'step',
      smoothing: typeof stored.smoothing === 'number' && stored.smoothing >= 0 && stored.smoothing < 1 ? stored.smoothing : DEFAULTS.smoothing,
      logScale: stored.logScale === true,
    };
  } catch {
    return DEFAULTS;
  }
}

interface ChartOptionsState {
  options: ChartOptions;
  setXAxis(xAxis: XAxisMode): void;
  setSmoothing(smoothing: number): void;
  setLogScale(logScale: boolean): void;
}

function save(options: ChartOptions): ChartOptions {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(options));
  } catch {
    // Storage full or blocked: the setting still applies for this session.
  }
  return options;
}

export const useChartOptionsStore = create<ChartOptionsState>((set, get) => ({
  options: load(),
  setXAxis: (xAxis) => set({ options: save({ ...get().options, xAxis }) }),
  setSmoothing: (smoothing) => set({ options: save({ ...get().options, smoothing }) }),
  setLogScale: (logScale) => set({ options: save({ ...get().options, logScale }) }),
}));
