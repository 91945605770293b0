/**
 * The training environment check: runs the interpreter with a short probe that prints one JSON
 * object (versions, CUDA, every GPU with free memory) and turns what is missing into sentences
 * that say what to do. Cached per interpreter until asked to refresh (importing torch takes
 * seconds).
 */
import { runCommand, stderrTail } from './python-command';
import type { GpuInfo, TrainingEnvironment } from '../runs/types';

const PACKAGES = ['torch', 'transformers', 'peft', 'accelerate', 'reward_studio'] as const;

/** Versions come from package metadata (no import needed); torch is imported only for CUDA. */
export const PROBE = `
import json, sys
from importlib import metadata
dists = {"torch": "torch", "transformers": "transformers", "peft": "peft", "accelerate": "accelerate", "reward_studio": "reward-studio-worker"}
out = {"python": sys.version.split()[0], "executable": sys.executable, "packages": {}, "cuda": False, "gpus": [], "errors": []}
for name, dist in dists.items():
    try:
        out["packages"][name] = metadata.version(dist)
    except Exception:
        out["packages"][name] = None
if out["packages"]["reward_studio"] is not None:
    try:
        import reward_studio
    except Exception as exc:
        out["errors"].append("reward_studio does not import: %s: %s" % (exc.__class__.__name__, exc))
if out["packages"]["torch"] is not None:
    try:
        import torch
        out["cuda"] = bool(torch.cuda.is_available())
        if out["cuda"]:
            for i in range(torch.cuda.device_count()):
                free, total = torch.cuda.mem_get_info(i)
                out["gpus"].append({"index": i, "name": torch.cuda.get_device_name(i), "total": total, "free": free})
    except Exception as exc:
        out["errors"].append("torch: %s: %s" % (exc.__class__.__name__, exc))
print(json.dumps(out))
`;

interface ProbeOutput {
  python: string;
  executable: string;
  packages: Record<(typeof PACKAGES)[number], string | null>;
  cuda: boolean;
  gpus: { index: number; name: string; total: number; free: number }[];
  errors: string[];
}

const SETUP_HINT = 'click "Set up training environment" or run npm run setup:worker';
const cache = new Map<string, Promise<TrainingEnvironment>>();

export function checkTrainingEnvironment(python: string, refresh = false): Promise<TrainingEnvironment> {
  let pending = refresh ? undefined : cache.get(python);
  if (!pending) {
    pending = probe(python);
    cache.set(python, pending);
  }
  return pending;
}

export function forgetTrainingEnvironment(): void {
  cache.clear();
}

async function probe(python: string): Promise<TrainingEnvironment> {
  const empty: TrainingEnvironment = {
    python: null,
    packages: { torch: null, transformers: null, peft: null, accelerate: null, reward_studio: null },
    cudaAvailable: false,
    gpus: [],
    problems: [],
    notes: [],
  };
  // Environment variables that hide GPUs from this studio process must not hide them from the probe.
  const result = await runCommand(python, ['-c', PROBE], { timeoutMs: 120_000 });
  if (result.spawnError) {
    const missing = result.spawnError.code === 'ENOENT';
    empty.problems.push(
      missing
        ? `The training environment is missing (no Python at ${python}): ${SETUP_HINT}, or choose a Python in settings.`
        : `Python at ${python} could not start (${result.spawnError.message}): ${SETUP_HINT}, or choose another Python in settings.`,
    );
    return empty;
  }
  if (result.timedOut || result.code !== 0) {
    empty.problems.push(
      `Python at ${python} failed the environment check (${result.timedOut ? 'no answer within 2 minutes' : stderrTail(result, 3)}): ${SETUP_HINT}.`,
    );
    return empty;
  }
  let out: ProbeOutput;
  try {
    out = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as ProbeOutput;
  } catch {
    empty.problems.push(`Python at ${python} printed something unexpected instead of the environment report: ${SETUP_HINT}.`);
    return empty;
  }
  const environment: TrainingEnvironment = {
    python: { path: python, version: out.python },
    packages: out.packages,
    cudaAvailable: out.cuda,
    gpus: out.gpus.map(
      (gpu): GpuInfo => ({ index: gpu.index, name: gpu.name, memoryTotalMb: Math.round(gpu.total / 2 ** 20), memoryFreeMb: Math.round(gpu.free / 2 ** 20) }),
    ),
    problems: [],
    notes: [],
  };
  const [major, minor] = out.python.split('.').map(Number);
  if ((major ?? 0) < 3 || ((major ?? 0) === 3 && (minor ?? 0) < 10)) {
    environment.problems.push(`Python ${out.python} is too old for the worker (3.10 or newer is needed): install a newer Python, then ${SETUP_HINT}.`);
  }
  const missing = PACKAGES.filter((name) => out.packages[name] === null);
  if (missing.length > 0) {
    environment.problems.push(`The training environment is missing ${missing.join(', ')} (in ${python}): ${SETUP_HINT}.`);
  }
  for (const error of out.errors) environment.problems.push(`${error}: ${SETUP_HINT} to repair it.`);
  if (!out.cuda && out.packages.torch !== null) {
    environment.notes.push('No CUDA GPU is visible: training runs on the CPU — fine for the tiny demo, far too slow for Qwen2-VL-2B.');
  }
  return environment;
}
