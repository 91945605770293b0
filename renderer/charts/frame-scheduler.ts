/**
 * Chart redraws, at most one per chart per animation frame, and not all of them in the same
 * frame when that frame would run long: nine charts redrawing after one metrics batch cost more
 * than a frame, so whatever is left after the budget waits for the next frame. Tasks are keyed
 * (a chart's id): scheduling a chart twice before its frame runs it once, with the latest task.
 * Tasks must do their work synchronously (the chart uses flushSync), or the budget means nothing.
 */
export class FrameScheduler {
  private readonly tasks = new Map<string, () => void>();
  private frame: number | null = null;

  constructor(
    private readonly budgetMs = 8,
    private readonly requestFrame: (callback: () => void) => number = (callback) => requestAnimationFrame(callback),
    private readonly now: () => number = () => performance.now(),
  ) {}

  schedule(key: string, task: () => void): void {
    this.tasks.set(key, task);
    if (this.frame === null) this.frame = this.requestFrame(this.run);
  }

  cancel(key: string): void {
    this.tasks.delete(key);
  }

  private readonly run = (): void => {
    this.frame = null;
    const started = this.now();
    for (const [key, task] of [...this.tasks]) {
      this.tasks.delete(key);
      try {
        task();
      } catch (error) {
        console.error(`reward-studio: chart redraw ${key} failed:`, error);
      }
      if (this.now() - started > this.budgetMs) break;
    }
    if (this.tasks.size > 0) this.frame = this.requestFrame(this.run);
  };
}
