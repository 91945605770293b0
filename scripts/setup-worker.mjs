// `npm run setup:worker`: creates .venv (once) and installs the Python worker package with its
// test extra. The steps live in app/environment/setup-environment.ts, shared with the studio's
// "Set up training environment" button (run through tsx, like bin/reward-studio.mjs).
import { register } from 'tsx/esm/api';

register();
const { setUpTrainingEnvironment } = await import('../app/environment/setup-environment.ts');
try {
  await setUpTrainingEnvironment({ onLine: (line) => console.log(line) });
} catch (error) {
  console.error(`setup:worker failed: ${error.message}${error.hint ? `\n${error.hint}` : ''}`);
  process.exit(1);
}
