/** The line under the scores: time, engine, which model, and whether this call loaded it. */
import { formatDuration } from '../../components/format';
import type { ScoreResult } from '../../client/contract-types';

export function ScoreMeta({ result, stale }: { result: ScoreResult; stale: boolean }) {
  return (
    <p className="pg-meta small" data-testid="playground-meta" data-engine={result.engine} data-loaded={result.loaded ? 'true' : 'false'}>
      <span className="mono">{formatDuration(result.milliseconds)}</span>
      <span className="muted"> · </span>
      <span className="tag pg-engine">{result.engine === 'onnx' ? 'onnxruntime' : 'Python worker'}</span>
      <span className="muted"> · {result.model}</span>
      {result.loaded && (
        <span className="muted" data-testid="playground-loaded">
          {' '}
          · the model was loaded first (not counted above; the next requests reuse it)
        </span>
      )}
      {stale && (
        <span className="pg-stale-note" data-testid="playground-stale">
          {' '}
          · edited since — <kbd>Ctrl</kbd>+<kbd>Enter</kbd> to score again
        </span>
      )}
      {result.imageResize && (
        <span className="warn" data-testid="playground-image-resized" role="note">
          {' '}
          · {result.imageResize.notice}
        </span>
      )}
    </p>
  );
}
