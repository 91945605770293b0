/**
 * `reward-studio` entry point: one small module per command, dispatched by name.
 * Errors reach the terminal as "reward-studio: <what happened>" plus the hint, never a stack,
 * unless REWARD_STUDIO_DEBUG is set.
 */
import { StudioError } from '../errors';
import { exportCommand } from './export-command';
import { importCommand } from './import-command';
import { sampleDataCommand } from './sample-data-command';
import { sampleProjectCommand } from './sample-project-command';
import { serveCommand } from './serve-command';
import { serveModelCommand } from './serve-model-command';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: { run: serveCommand, summary: 'serve the studio UI to a browser (token-protected)' },
  'serve-model': { run: serveModelCommand, summary: 'serve a reward model over HTTP (POST /score, /score-pair, /score-batch)' },
  import: { run: importCommand, summary: 'import preference data (seed, TRL, LLaMA-Factory, ms-swift, HH-RLHF, Label Studio, Argilla, …) into a project' },
  export: { run: exportCommand, summary: 'export a project as seed, TRL, LLaMA-Factory, ms-swift JSONL or Parquet' },
  'sample-project': { run: sampleProjectCommand, summary: 'create the sample project in a folder' },
  'sample-data': { run: sampleDataCommand, summary: 'write the synthetic colour-shape dataset (JSONL + images)' },
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
    return await command.run(rest);
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
