import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../errors';
import { isLoopback, startStudioServer } from '../server/studio-server';
import { studioServerWiring } from '../studio/server-wiring';
import { Studio } from '../studio/studio';
import { intOption, parseCommandArgs } from './cli-args';
import { checkServeTokenOptions, chooseServeToken, type ServeTokenSource } from './serve-token';

export const serveHelp = `reward-studio serve [--project DIR | --sample] [--host 127.0.0.1] [--port 8420] [--open] [--new-token | --token TOKEN]

Serves the studio UI to a browser. Prints a URL with an access token; every request needs it.
The token is kept per project in your settings folder (REWARD_STUDIO_HOME), so a restart keeps it
and open tabs reconnect by themselves.
  --new-token      make a new random token (tabs holding the old one must be reopened from the new URL)
  --token TOKEN    use this token (at least 24 letters, digits, "-" or "_"; e.g. \`openssl rand -hex 16\`)
Without --project it opens the most recent project, or the sample project on first start.
Binding beyond loopback (e.g. --host 0.0.0.0) exposes the project to your network: keep the token secret.
The token makes you the owner. To let others judge, invite them in the Team view: each gets a link
of their own with a role (annotator or reviewer) that you can revoke; see "Working as a team" in README.md.`;

const DEFAULT_PORT = 8420;

const TOKEN_NOTES: Record<ServeTokenSource, string> = {
  kept: 'Token: the one kept for this project (open tabs reconnect); --new-token makes a new one.',
  new: 'Token: new; kept for this project across restarts (--new-token makes another).',
  given: 'Token: the one given with --token; kept for this project across restarts.',
};
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log(`(Could not open a browser; open the URL above yourself.)`));
  child.unref();
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, {
    project: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    open: { type: 'boolean' },
    'no-open': { type: 'boolean' },
    sample: { type: 'boolean' },
    token: { type: 'string' },
    'new-token': { type: 'boolean' },
  });
  if (values.help) {
    console.log(serveHelp);
    return 0;
  }
  const host = values.host ?? '127.0.0.1';
  const port = intOption('serve', 'port', values.port, DEFAULT_PORT);
  const tokenOptions = checkServeTokenOptions({ given: values.token, rotate: values['new-token'] });
  const studio = new Studio({ kind: 'browser' });
  if (values.sample && !values.project) await studio.openSampleProject();
  else await studio.openStartupProject(values.project);

  const { token, source } = chooseServeToken(studio.projectDir, tokenOptions);

  let server;
  try {
    server = await startStudioServer({
      token,
      ...studioServerWiring(studio),
      rendererDir: RENDERER_DIR,
      host,
      port,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StudioError('busy', `Port ${port} on ${host} is already in use.`, 'Pass another --port, or --port 0 for any free port.');
    }
    throw error;
  }
  if (!isLoopback(host)) {
    console.warn(`WARNING: serving on ${host}, reachable from other machines. Anyone with the token can read and change ${studio.projectDir}.`);
  }
  console.log(`Reward Studio is serving at ${server.url}`);
  if (studio.projectDir) console.log(`Project: ${studio.projectDir}`);
  console.log(TOKEN_NOTES[source]);
  if (values.open && !values['no-open']) openBrowser(server.url);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  studio.close();
  return 0;
}
