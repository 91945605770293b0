import { readFileSync } from 'node:fs';

/** Read once from package.json so the CLI, the server and the UI report the same version. */
export const STUDIO_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
