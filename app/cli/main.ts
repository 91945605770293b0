/**
 * `reward-studio` entry point: one small module per command, dispatched by name.
 * Errors reach the terminal as "reward-studio: <what happened>" plus the hint, never a stack,
 * unless REWARD_STUDIO_DEBUG is set.
 */
import { StudioError } from '../errors';

type Command = (argv: string[]) => Promise<number>;

/**
 * Each command's module is loaded only when it runs: `convert` (which the Python worker spawns)
 * must not pay for the server, ONNX and SQLite modules of the others (~5 s → ~1 s to start).
 */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  serve: { load: async () => (await import('./serve-command')).serveCommand, summary: 'serve the studio UI to a browser (token-protected)' },
  'serve-model': {
    load: async () => (await import('./serve-model-command')).serveModelCommand,
    summary: 'serve a reward model over HTTP (POST /score, /score-pair, /score-batch)',
  },
  import: {
    load: async () => (await import('./import-command')).importCommand,
    summary: 'import preference data (seed, TRL, LLaMA-Factory, ms-swift, HH-RLHF, Label Studio, Argilla, …) into a project',
  },
  export: { load: async () => (await import('./export-command')).exportCommand, summary: 'export a project as seed, TRL, LLaMA-Factory, ms-swift JSONL or Parquet' },
  convert: {
    load: async () => (await import('./convert-command')).convertCommand,
    summary: 'convert preference data in any importable format (file or split folder) to seed JSONL, no project needed',
  },
  new: { load: async () => (await import('./new-command')).newCommand, summary: 'create an empty project in a folder' },
  'sample-project': { load: async () => (await import('./sample-project-command')).sampleProjectCommand, summary: 'create the sample project in a folder' },
  'sample-data': { load: async () => (await import('./sample-data-command')).sampleDataCommand, summary: 'write the synthetic colour-shape dataset (JSONL + images)' },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return `Usage: reward-studio <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "reward-studio <command> --help" for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`reward-studio: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    const run = await command.load();
    return await run(rest);
  } catch (error) {
    if (process.env.REWARD_STUDIO_DEBUG) console.error(error);
    if (error instanceof StudioError) {
      console.error(`reward-studio: ${error.message}${error.hint ? `\n${error.hint}` : ''}`);
      return error.code === 'invalid_input' ? 2 : 1;
    }
    console.error(`reward-studio: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
