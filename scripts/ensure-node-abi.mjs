// better-sqlite3 is a native module built for one ABI at a time. After the desktop app ran,
// it is built for Electron and plain Node (tests, `serve`) cannot load it: rebuild it for Node.
import { spawnSync } from 'node:child_process';

const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { encoding: 'utf8' });
if (probe.status !== 0) {
  if (!/NODE_MODULE_VERSION|was compiled against/.test(probe.stderr)) {
    console.error(probe.stderr);
    console.error('better-sqlite3 does not load. Run "npm ci" (it builds the module; needs python3, make and a C++ compiler).');
    process.exit(1);
  }
  console.log('better-sqlite3 was built for Electron; rebuilding it for Node…');
  const rebuild = spawnSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
  process.exit(rebuild.status ?? 1);
}
