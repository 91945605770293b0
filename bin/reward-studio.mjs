#!/usr/bin/env node
// The `reward-studio` command. The core is TypeScript run through tsx's loader, so the CLI,
// `serve` and the tests execute exactly the sources a reader sees (no stale build to debug).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
