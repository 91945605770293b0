import { ensureRendererBuilt } from './renderer-build';

/** Once per e2e run, before any server starts: the renderer `serve` hands out must be current. */
export default function setup(): void {
  ensureRendererBuilt();
}
