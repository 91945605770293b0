import { createExport, deleteExport, listExports, projectVerifyImages } from '../../scoring/model-exports';
import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type ModelHandlers = Pick<Handlers, 'models.exports' | 'models.export' | 'models.deleteExport'>;

export function modelHandlers(studio: Studio): ModelHandlers {
  return {
    'models.exports': () => listExports(studio.project().dir),
    'models.export': ({ checkpointId, format }) => {
      const store = studio.project();
      const projectDir = store.dir;
      // An ONNX export is also checked on a few of the project's own images at their own sizes.
      const verifyImages = format === 'onnx' ? projectVerifyImages(store.db, projectDir) : [];
      // One export at a time per project: two would compete for memory and the exports folder.
      return studio.exclusive('export of a model', () =>
        createExport({ projectDir, runs: studio.runs(), python: studio.python(), events: studio.events, verifyImages }, checkpointId, format),
      );
    },
    'models.deleteExport': ({ id }) => ({ deleted: deleteExport(studio.project().dir, id) }),
  };
}
