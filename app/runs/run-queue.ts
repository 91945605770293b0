/**
 * One run at a time per GPU set. A run holds the GPUs it was given (a CPU run holds "the CPU", a
 * single shared set: two CPU trainings side by side would each run at half speed and both finish
 * later). Queued runs start in the order they were queued; a waiting run reserves its devices so a
 * later, smaller run cannot overtake it forever.
 */

export const CPU_DEVICE = 'cpu';

export function devicesOf(gpus: readonly number[]): string[] {
  return gpus.length === 0 ? [CPU_DEVICE] : [...new Set(gpus)].sort((a, b) => a - b).map((gpu) => `gpu${gpu}`);
}

export interface QueueEntry {
  id: number;
  gpus: readonly number[];
}

/**
 * Which queued runs may start now. `active` are the runs holding devices (starting or running);
 * `queued` is in queue order.
 */
export function runsToStart(active: readonly QueueEntry[], queued: readonly QueueEntry[]): number[] {
  const busy = new Set(active.flatMap((run) => devicesOf(run.gpus)));
  const start: number[] = [];
  for (const run of queued) {
    const devices = devicesOf(run.gpus);
    const free = devices.every((device) => !busy.has(device));
    if (free) start.push(run.id);
    // Started or waiting, its devices are spoken for from here on down the queue.
    for (const device of devices) busy.add(device);
  }
  return start;
}
