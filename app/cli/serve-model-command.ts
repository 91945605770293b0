/**
 * `reward-studio serve-model CHECKPOINT`: the reward-model HTTP API for one model, without a project.
 * The server listens at once (requests get 503 while the model loads) so a person sees the URL
 * immediately; Ctrl-C closes the server and ends the worker.
 */
import { StudioError } from '../errors';
import { loadScorer } from '../scoring/load-scorer';
import { resolveModelFolder } from '../scoring/model-resolver';
import { isLoopback } from '../server/studio-server';
import { startRewardApi, type RewardApiServer } from '../serving/reward-api-server';
import { trainingPython } from '../training/python-interpreter';
import { intOption, parseCommandArgs } from './cli-args';

export const serveModelHelp = `reward-studio serve-model CHECKPOINT [--port 8400] [--host 127.0.0.1] [--python PATH] [--quiet]

Serves a reward model over HTTP: POST /score, POST /score-pair, POST /score-batch, GET /health.
CHECKPOINT is a checkpoint folder (checkpoints/step-N or best/), a run directory (its best/ is
used), a merged export, or an ONNX export folder (has model.onnx; scored with onnxruntime-node).
There is no token: keep the default loopback host unless every machine that can reach the port
may use the model. --quiet stops the one log line per request.`;

const DEFAULT_PORT = 8400;

/** The curl lines a person can paste to try the API (seed 003's examples, same bodies). */
export function curlExamples(url: string): string {
  return [
    `curl -X POST "${url}/score" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"prompt": "你的问题", "response": "回答内容"}'`,
    '',
    `curl -X POST "${url}/score-pair" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"prompt": "你的问题", "chosen": "好的回答", "rejected": "差的回答"}'`,
  ].join('\n');
}

export async function serveModelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve-model', argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    python: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    console.log(serveModelHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new StudioError('invalid_input', `serve-model: give exactly one CHECKPOINT folder (got ${positionals.length}).`, 'Run "reward-studio serve-model --help" for the options.');
  }
  const host = values.host ?? '127.0.0.1';
  const port = intOption('serve-model', 'port', values.port, DEFAULT_PORT);
  const model = resolveModelFolder(positionals[0] as string);
  const python = values.python ?? trainingPython();
  const started = Date.now();
  const abort = new AbortController();
  const scorer = loadScorer(model, { python, signal: abort.signal });

  let server: RewardApiServer;
  try {
    server = await startRewardApi({ host, port, model: { label: model.label, engine: model.engine }, scorer, log: values.quiet ? undefined : (line) => console.log(line) });
  } catch (error) {
    await scorer.then((loaded) => loaded.close(), () => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StudioError('busy', `Port ${port} on ${host} is already in use.`, 'Pass another --port, or --port 0 for any free port.');
    }
    throw error;
  }
  if (!isLoopback(host)) {
    console.warn(`WARNING: serving on ${host}, reachable from other machines. The API has no token: anyone who can reach port ${server.port} can use the model.`);
  }
  console.log(`Reward model API for ${model.label} (${model.engine}) at ${server.url}`);
  console.log(`Loading the model; requests get 503 until it is ready.\n\nTry:\n${curlExamples(server.url)}\n`);

  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const loaded = await Promise.race([scorer.then(() => true, (error: unknown) => error), stopped.then(() => false)]);
  if (loaded === true) console.log(`Model loaded in ${((Date.now() - started) / 1000).toFixed(1)} s. Ready.`);
  else if (loaded !== false) {
    // Nothing can be served: say why and end, rather than answer 503 forever.
    await server.close();
    throw loaded;
  }
  if (loaded) await stopped;
  console.log('Stopping.');
  await server.close();
  if (!loaded) abort.abort(); // still loading: end the worker now instead of waiting for the model
  await scorer.then((ready) => ready.close(), () => undefined);
  return 0;
}
