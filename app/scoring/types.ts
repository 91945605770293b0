/**
 * Scoring outside evaluations: the playground, the reward-model HTTP API (`serve-model`, the Serve
 * button) and exported models. Plain JSON — they cross the contract.
 */

/** A model the studio can score with: a checkpoint of a run (Python worker) or an ONNX export (onnxruntime-node). */
export type ModelRef = { kind: 'checkpoint'; checkpointId: number } | { kind: 'export'; exportId: string };

export interface ScoreRequest {
  query: string;
  responses: string[];
  /** Optional image as a data URL (`data:image/png;base64,...`) or bare base64. */
  image?: string | null;
  /** Or: an image the browser uploaded to `serve` (`POST /upload`), by the path it answered. */
  imageFile?: string | null;
}

export interface ScoreResult {
  /** One score per response, in the order given. */
  scores: number[];
  engine: 'python' | 'onnx';
  /** Human label of the model that scored (run name and step, or the export's folder name). */
  model: string;
  /** Wall time of this request in the scorer, model loading excluded. */
  milliseconds: number;
  /** True when this request had to load the model first (the first request to a model is slow). */
  loaded: boolean;
  /**
   * ONNX only: the image was resized from its own size to the export's fixed grid, where the
   * checkpoint would have seen it at another resolution, so the scores differ from the checkpoint's;
   * `notice` says so in words. Null (or absent) when the scores are the checkpoint's.
   */
  imageResize?: { from: { width: number; height: number }; to: { width: number; height: number }; notice: string } | null;
}

export type ModelExportFormat = 'merged' | 'onnx';

/** One image size an ONNX export was checked at, against its checkpoint. */
export interface VerifyResolution {
  width: number;
  height: number;
  /** Images of this size checked. */
  images: number;
  /** Max |reward difference| between the export (image resized to its grid) and the checkpoint (native size). */
  maxAbsDiff: number;
  /** True when the export resized these images away from the checkpoint's own resolution for them. */
  resized: boolean;
}

/** A folder under `<project>/exports/`: a standalone Hugging Face reward model (LoRA merged) or an ONNX export. */
export interface ModelExport {
  /** The folder name, unique in the project. */
  id: string;
  format: ModelExportFormat;
  path: string;
  checkpointId: number | null;
  runName: string;
  step: number;
  createdAt: string;
  sizeBytes: number;
  /** Max |reward difference| between the export and the checkpoint on the export's probe batch. */
  verifyMaxAbsDiff: number | null;
  /** ONNX only: what the graph accepts (text-only, or images at a fixed resolution). */
  note: string | null;
  /**
   * VL ONNX only: the export checked on real images of the project at their own sizes, each scored by
   * the checkpoint at its native resolution and by the export resized to its grid — max |Δ| per
   * resolution. `resized` is true when that size is not the export's grid for the checkpoint (the
   * scores then differ by design). Absent for exports made without a project's images.
   */
  verifyResolutions?: VerifyResolution[];
  /**
   * Merged only: how transformers loads it, e.g. "AutoModelForSequenceClassification" or
   * "AutoModelForSequenceClassification, trust_remote_code=True" (from its reward_config.json;
   * null for exports written before exports were standard sequence classifiers).
   */
  loadsWith: string | null;
}

export interface ModelExportProgress {
  checkpointId: number;
  format: ModelExportFormat;
  phase: 'loading' | 'merging' | 'exporting' | 'verifying' | 'done' | 'failed';
  message: string;
}

/** The reward-model HTTP server the Serve button runs (the same one `reward-studio serve-model` runs). */
export interface ServeStatus {
  url: string;
  host: string;
  port: number;
  model: ModelRef;
  modelLabel: string;
  engine: 'python' | 'onnx';
  startedAt: string;
  requests: number;
  /** Whether every request needs `Authorization: Bearer <key>`; the key itself never leaves the studio's memory. */
  apiKeyRequired: boolean;
}
