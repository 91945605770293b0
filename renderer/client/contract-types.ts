/**
 * The one route from the studio core to the renderer: every type (and the few contract constants)
 * the renderer may use, re-exported or derived from the contract — app/contract/ (commands, events,
 * their inputs and results), app/rpc/wire.ts (what travels between the two) and app/errors.ts
 * (the error shape every failure has). No other renderer file imports from app/, and this one
 * imports types only, so no line of the core reaches the bundle (a runtime import of, say,
 * app/store would drag better-sqlite3 into a sandboxed page). tests/architecture/boundaries.test.ts
 * enforces both.
 *
 * Why here and not in app/contract/: this is the renderer's list of what it uses, named in its
 * words (RunSummary, ItemDetail); the core has no business knowing it. Living in renderer/, it
 * makes this the only renderer file that crosses into app/, which is the rule the boundary test
 * can state plainly. Types are derived from command results and event payloads rather than
 * imported from app/store/types or app/dataset/types, so they are what the contract actually sends,
 * and a changed result type breaks the views' type check.
 */
import type { CommandInput, CommandResult, EventPayload } from '../../app/contract';

export type { CommandInput, CommandName, CommandResult, EventName, EventPayload, EnvironmentInfo, StudioSettings } from '../../app/contract';
export type { Envelope, ServerMessage, StudioBridge } from '../../app/rpc/wire';
export type { StudioErrorCode, StudioErrorShape } from '../../app/errors';

// ---- Contract constants. The values live in the core, which the renderer may not import at
// runtime; `typeof import(...)` makes the type check fail if the two copies ever differ.
type Wire = typeof import('../../app/rpc/wire');
export const WS_PATH: Wire['WS_PATH'] = '/ws';
export const FILES_PATH: Wire['FILES_PATH'] = '/files/';
export const UPLOAD_PATH: Wire['UPLOAD_PATH'] = '/upload';
export const DOWNLOAD_PATH: Wire['DOWNLOAD_PATH'] = '/download/';
export const ELECTRON_MEDIA_SCHEME: Wire['ELECTRON_MEDIA_SCHEME'] = 'rs-media';
/** The close code of a member's socket whose link was revoked or expired: stop reconnecting. */
export const MEMBER_REVOKED_CLOSE: Wire['MEMBER_REVOKED_CLOSE'] = 4401;

type ContractScoring = typeof import('../../app/contract/scoring');
/** The playground's limits (app/contract/scoring.ts). */
export const MAX_RESPONSES: ContractScoring['MAX_RESPONSES'] = 16;
export const MAX_TEXT_CHARS: ContractScoring['MAX_TEXT_CHARS'] = 200_000;
export const MAX_IMAGE_BASE64_CHARS: ContractScoring['MAX_IMAGE_BASE64_CHARS'] = 23_000_000;

// ---- Projects and items.
export type ProjectSummary = CommandResult<'projects.open'>;
export type RecentProject = CommandResult<'projects.recent'>[number];
export type ItemDetail = CommandResult<'items.get'>;
export type ItemSummary = CommandResult<'items.list'>['items'][number];
export type Split = ItemDetail['split'];
export type Judgment = ItemDetail['judgments'][number];
export type ImageRef = ItemDetail['images'][number];
export type PromptMessage = NonNullable<ItemDetail['prompt']>[number];
export type PromptContentPart = Exclude<PromptMessage['content'], string>[number];

// ---- Dataset import and export.
export type ImportReport = CommandResult<'dataset.import'>;
export type ImportReasonGroup = NonNullable<ImportReport['reasons']>[number];
export type ImportProgress = Omit<EventPayload<'dataset.onImportProgress'>, 'file'>;
export type ColumnMapping = NonNullable<CommandInput<'dataset.import'>['mapping']>;
export type ExportReport = CommandResult<'dataset.export'>;
export type ExportFormat = NonNullable<CommandInput<'dataset.export'>['format']>;
export type DatasetPreview = CommandResult<'dataset.preview'>;
export type { ParsedPreviewRow, PreviewRow } from '../../app/contract/dataset';

// ---- Training.
export type RunSummary = CommandResult<'runs.list'>[number];
export type RunStatus = RunSummary['status'];
export type RunDetail = CommandResult<'runs.get'>;
export type TrainConfigField = CommandResult<'runs.configSchema'>[number];
export type TrainingPreset = CommandResult<'runs.presets'>[number];
export type RunEstimate = CommandResult<'runs.estimate'>;
export type StartRunInput = CommandInput<'runs.start'>;
export type MetricsBatch = EventPayload<'runs.onMetrics'>;
export type MetricRow = MetricsBatch['rows'][number];
export type CheckpointInfo = EventPayload<'checkpoints.onAdded'>;
export type TrainingEnvironment = CommandResult<'environment.training'>;
export type GpuInfo = TrainingEnvironment['gpus'][number];
export type ModelCheck = CommandResult<'environment.checkModel'>;
export type SplitName = StartRunInput['splits']['train'][number];

// ---- Evaluation.
export type EvaluationSummary = CommandResult<'evaluations.get'>;
export type EvaluationStatus = EvaluationSummary['status'];
export type EvaluationScope = EvaluationSummary['scope'];
export type ScoringEngine = EvaluationSummary['engine'];
export type EvaluationMetrics = NonNullable<EvaluationSummary['metrics']>;
export type CalibrationBin = EvaluationMetrics['calibration'][number];
export type EvaluationComparison = CommandResult<'evaluations.compare'>;
export type CompareItemPage = CommandResult<'evaluations.compareItems'>;
export type CompareItemRow = CompareItemPage['rows'][number];
export type CompareFilter = NonNullable<CommandInput<'evaluations.compareItems'>['filter']>;
export type AgreementKind = CompareItemRow['agreement'];
export type ItemScores = CommandResult<'evaluations.itemScores'>[number];

// ---- Scoring, serving and exports.
export type ModelRef = CommandInput<'scoring.score'>['model'];
export type ScoreInput = CommandInput<'scoring.score'>;
export type ScoreResult = CommandResult<'scoring.score'>;
export type ServeStatus = NonNullable<CommandResult<'serving.status'>>;
export type ModelExport = CommandResult<'models.exports'>[number];
export type ModelExportFormat = ModelExport['format'];
export type ModelExportProgress = EventPayload<'models.onExportProgress'>;

// ---- Teams (a served project's members; app/contract/team.ts).
export type TeamSession = CommandResult<'team.me'>;
export type Role = TeamSession['role'];
export type MemberRole = Exclude<Role, 'owner'>;
export type Guidelines = NonNullable<CommandResult<'team.guidelines'>>;
export type MemberProgress = CommandResult<'team.myProgress'>;
