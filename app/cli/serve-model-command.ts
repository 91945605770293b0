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
import { trainingPython } from '../environment/python-interpreter';
import { DEFAULT_BATCHING } from '../serving/request-batcher';
import { intOption, numberOption, parseCommandArgs } from './cli-args';

export const serveModelHelp = `reward-studio serve-model CHECKPOINT [--port 8400] [--host 127.0.0.1] [--api-key KEY]
    [--served-model-name NAME] [--no-batching] [--max-batch-wait-ms 2] [--max-batch-tokens N]
    [--python PATH] [--quiet]

Serves a reward model over HTTP: seed 003's POST /score and POST /score-pair, POST /score-batch, GET /health,
and what RL trainers speak: OpenRLHF's POST /get_reward, vLLM's POST /classify, /pooling and
GET /v1/models, text-embeddings-inference's POST /predict, LLaMA-Factory's POST /v1/score/evaluation.
CHECKPOINT is a checkpoint folder (checkpoints/step-N or best/), a run directory (its best/ is
used), a merged export, or an ONNX export folder (has model.onnx; scored with onnxruntime-node).

  --api-key KEY            every request needs "Authorization: Bearer KEY" (also read from
                           REWARD_STUDIO_API_KEY); without one there is no token, so keep the
                           default loopback host unless every machine that can reach the port may
                           use the model
  --served-model-name NAME the model name /v1/models reports (default: the folder's name)
  --no-batching            score each request alone (default: concurrent requests share batches)
  --max-batch-wait-ms MS   how long a request waits for others while the model is idle (default 2)
  --max-batch-tokens N     padded tokens per forward pass of the Python worker (default 16384)
  --quiet                  no log line per request`;

const DEFAULT_PORT = 8400;

/**
 * The curl lines a person can paste to try the API (seed 003's examples, same bodies), and OpenRLHF's
 * flag. With a key the header reads it from $REWARD_STUDIO_API_KEY: the key itself is never printed.
 */
export function curlExamples(url: string, withKey = false): string {
  const auth = withKey ? [`  -H "Authorization: Bearer $REWARD_STUDIO_API_KEY" \\`] : [];
  return [
    `curl -X POST "${url}/score" \\`,
    ...auth,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"prompt": "你的问题", "response": "回答内容"}'`,
    '',
    `curl -X POST "${url}/score-pair" \\`,
    ...auth,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"prompt": "你的问题", "chosen": "好的回答", "rejected": "差的回答"}'`,
    '',
    `OpenRLHF: --reward.remote_url ${url}/get_reward   (vLLM-style clients: ${url}/classify)`,
  ].join('\n');
}

/** A key short enough to guess, or with spaces that no header can carry, is refused before anything starts. */
function apiKeyOption(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 16 || /\s/.test(value)) {
    throw new StudioError('invalid_input', 'serve-model: the API key must be at least 16 characters without spaces.', 'Generate one, e.g. `openssl rand -hex 32`, and pass it with --api-key or REWARD_STUDIO_API_KEY.');
  }
  return value;
}

export async function serveModelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve-model', argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    python: { type: 'string' },
    quiet: { type: 'boolean' },
    'api-key': { type: 'string' },
    'served-model-name': { type: 'string' },
    'no-batching': { type: 'boolean' },
    'max-batch-wait-ms': { type: 'string' },
    'max-batch-tokens': { type: 'string' },
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
  const apiKey = apiKeyOption(values['api-key'] ?? process.env.REWARD_STUDIO_API_KEY);
  const maxWaitMs = numberOption('serve-model', 'max-batch-wait-ms', values['max-batch-wait-ms'], DEFAULT_BATCHING.maxWaitMs);
  const maxBatchTokens = values['max-batch-tokens'] === undefined ? undefined : intOption('serve-model', 'max-batch-tokens', values['max-batch-tokens'], 0);
  if (maxWaitMs < 0 || (maxBatchTokens !== undefined && maxBatchTokens < 1)) {
    throw new StudioError('invalid_input', 'serve-model: --max-batch-wait-ms must be 0 or more and --max-batch-tokens at least 1.', 'Run "reward-studio serve-model --help" for the options.');
  }
  const started = Date.now();
  const abort = new AbortController();
  const scorer = loadScorer(model, { python, signal: abort.signal, maxBatchTokens });

  let server: RewardApiServer;
  try {
    server = await startRewardApi({
      host,
      port,
      model: { label: model.label, engine: model.engine },
      scorer,
      apiKey,
      servedModelName: values['served-model-name'],
      batching: { enabled: !values['no-batching'], maxWaitMs },
      log: values.quiet ? undefined : (line) => console.log(line),
    });
  } catch (error) {
    await scorer.then((loaded) => loaded.close(), () => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StudioError('busy', `Port ${port} on ${host} is already in use.`, 'Pass another --port, or --port 0 for any free port.');
    }
    throw error;
  }
  if (!isLoopback(host)) {
    console.warn(
      apiKey
        ? `WARNING: serving on ${host}, reachable from other machines; requests need the API key, but travel unencrypted (plain HTTP): use a network you trust or a TLS proxy.`
        : `WARNING: serving on ${host}, reachable from other machines. The API has no token: anyone who can reach port ${server.port} can use the model (pass --api-key).`,
    );
  }
  console.log(`Reward model API for ${model.label} (${model.engine}) at ${server.url}${apiKey ? ' (API key required)' : ''}`);
  console.log(`Loading the model; requests get 503 until it is ready.\n\nTry:\n${curlExamples(server.url, apiKey !== undefined)}\n`);

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
