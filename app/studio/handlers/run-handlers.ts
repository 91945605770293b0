import type { Handlers } from '../../rpc/router';
import { readPresets } from '../../runs/presets';
import { describeConfig } from '../../runs/worker-config-schema';
import type { Studio } from '../studio';

type RunHandlers = Pick<
  Handlers,
  | 'runs.list'
  | 'runs.get'
  | 'runs.configSchema'
  | 'runs.presets'
  | 'runs.estimate'
  | 'runs.start'
  | 'runs.stop'
  | 'runs.delete'
  | 'runs.metrics'
  | 'runs.log'
>;

export function runHandlers(studio: Studio): RunHandlers {
  return {
    'runs.list': () => studio.runs().list(),
    'runs.get': ({ id }) => studio.runs().get(id),
    // The interpreter runs start with (the run settings' override, else the person's choice, else .venv).
    'runs.configSchema': () => describeConfig(studio.python()),
    'runs.presets': () => readPresets(),
    'runs.estimate': ({ config, splits, gpus }) => studio.runs().estimate({ config, splits, gpus }),
    'runs.start': (input) => studio.runs().start(input),
    'runs.stop': ({ id }) => studio.runs().stop(id),
    'runs.delete': ({ id }) => studio.runs().delete(id),
    'runs.metrics': ({ ids, afterId, tags }) => studio.runs().metrics(ids, afterId, tags),
    'runs.log': ({ id, lines }) => studio.runs().log(id, lines),
  };
}
