/**
 * Train: check the environment, pick a preset and a base model, adjust any worker option, choose
 * the splits and the device, read the estimate, Start — and land on the run's live charts.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useStudioClient } from '../../../client/client-context';
import { describeError } from '../../../client/studio-client-error';
import { Panel } from '../../../components/panel';
import { useProjectStore } from '../../../state/project-store';
import { useRouteStore } from '../../../state/route-store';
import { checkDraft, defaultRunName, draftFrom, MODEL_FIELD, runNameProblem, TINY_MODEL_TOKEN, type DraftValue } from './config-draft';
import { ConfigForm } from './config-form';
import { EnvironmentPanel } from './environment-panel';
import { countExplanation } from './count-explanation';
import { EstimateLine } from './estimate-line';
import { GpuPicker } from './gpu-picker';
import { ModelPicker } from './model-picker';
import { PresetPicker } from './preset-picker';
import { labeledIn, SplitPicker, type SplitChoice } from './split-picker';
import { ValidationGuard, validationProblem } from './validation-guard';
import { useModelCheck } from './use-model-check';
import { useRunEstimate } from './use-run-estimate';
import { useTrainSetup, type TrainSetup } from './use-train-setup';
import type { TrainConfigField, TrainingPreset } from '../../../client/contract-types';

function isCpuPreset(preset: TrainingPreset): boolean {
  return /\bcpu\b/i.test(`${preset.id} ${preset.hardware}`);
}

export function TrainView() {
  const project = useProjectStore((state) => state.project);
  const setup = useTrainSetup();
  const fields = setup.schema.value;
  if (!project) return null;
  const environmentPanel = <EnvironmentPanel environment={setup.environment} onRefresh={setup.refresh} onSetUp={setup.setEnvironment} />;
  return (
    <div className="train" data-testid="train-view">
      <header className="view-header">
        <div>
          <h1 className="view-title">Train a reward model</h1>
          <p className="muted small">Pick a preset and a base model, check the options, Start — the charts follow the run live.</p>
        </div>
      </header>
      {project.labeledCount === 0 && <NoLabelsCallout />}
      {fields ? (
        <TrainForm fields={fields} setup={setup} environmentPanel={environmentPanel} />
      ) : (
        <div className="train-grid">
          <div className="train-column">
            {environmentPanel}
            <Panel title="Options" testId="train-options-loading">
              {setup.schema.error ? (
                <p className="inline-error" data-testid="train-schema-error">
                  The worker's options could not be read: {setup.schema.error.message}
                  {setup.schema.error.hint && <span className="muted"> {setup.schema.error.hint}</span>}
                </p>
              ) : (
                <p className="muted small">Reading the worker's options…</p>
              )}
            </Panel>
          </div>
        </div>
      )}
    </div>
  );
}

function NoLabelsCallout() {
  const navigate = useRouteStore((state) => state.navigate);
  return (
    <div className="callout row" data-testid="train-no-labels">
      <span className="grow">No labeled items yet: training learns from your judgments. Label some pairs first, or import labeled data on Home.</span>
      <button type="button" className="button primary small" onClick={() => navigate('annotate')}>
        Go to Annotate
      </button>
    </div>
  );
}

interface TrainFormProps {
  fields: TrainConfigField[];
  setup: TrainSetup;
  environmentPanel: ReactNode;
}

function TrainForm({ fields, setup, environmentPanel }: TrainFormProps) {
  const client = useStudioClient();
  const openRun = useRouteStore((state) => state.openRun);
  const project = useProjectStore((state) => state.project);
  const presets = setup.presets.value ?? [];
  const environment = setup.environment.value;
  const gpus = environment?.gpus ?? [];

  const [preset, setPreset] = useState<TrainingPreset | null>(null);
  const [draft, setDraft] = useState<Record<string, DraftValue>>(() => draftFrom(fields));
  const model = useModelCheck();
  const [splits, setSplits] = useState<SplitChoice>({ train: ['train'], val: ['val'] });
  const [selectedGpus, setSelectedGpus] = useState<number[]>([]);
  const [name, setName] = useState(() => defaultRunName(null, new Date()));
  const [nameEdited, setNameEdited] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<{ message: string; hint: string | undefined } | null>(null);

  // A GPU machine starts on its first GPU; the CPU is the default only where there is none.
  useEffect(() => {
    if (gpus.length > 0) setSelectedGpus((current) => (current.length === 0 && (!preset || !isCpuPreset(preset)) ? [gpus[0]!.index] : current));
  }, [gpus, preset]);

  function applyPreset(next: TrainingPreset): void {
    setPreset(next);
    setDraft(draftFrom(fields, next.config));
    if (!nameEdited) setName(defaultRunName(next.id, new Date()));
    setSelectedGpus(isCpuPreset(next) || gpus.length === 0 ? [] : [gpus[0]!.index]);
    const presetModel = next.config[MODEL_FIELD];
    if (presetModel === TINY_MODEL_TOKEN) void model.useTiny();
    else if (typeof presetModel === 'string' && presetModel !== '') model.setPath(presetModel);
  }

  function change(fieldName: string, value: DraftValue): void {
    setDraft((current) => ({ ...current, [fieldName]: value }));
  }

  const check = useMemo(() => checkDraft(fields, draft, model.path), [fields, draft, model.path]);
  const { [MODEL_FIELD]: modelError, ...optionErrors } = check.errors;
  const optionErrorCount = Object.keys(optionErrors).length;
  const estimate = useRunEstimate(optionErrorCount === 0 ? check.config : null, splits, selectedGpus);

  const labeled = project ? labeledIn(project, splits.train) : 0;
  const nameProblem = runNameProblem(name);
  const modelOk = model.state.kind === 'checked' && model.state.check.ok;
  const blockers: string[] = [];
  if (environment && environment.problems.length > 0) blockers.push('Set up the training environment first (above).');
  // Making @tiny takes a while the first time: say so, rather than "choose a model folder".
  if (model.makingTiny) blockers.push('Making the tiny demo model (the first time takes a minute or two)…');
  else if (modelError) blockers.push(modelError);
  else if (model.state.kind === 'checking') blockers.push('Checking the model folder…');
  else if (!modelOk) blockers.push('The model folder did not pass the check.');
  if (splits.train.length === 0) blockers.push('Choose at least one split to train on.');
  else if (labeled === 0) blockers.push(`The ${splits.train.join(' + ')} split has no labeled items: annotate some, or choose another split.`);
  const validation = project ? validationProblem(project, splits) : null;
  if (validation) blockers.push(validation);
  if (optionErrorCount > 0) blockers.push(`Fix ${optionErrorCount} option${optionErrorCount === 1 ? '' : 's'} marked in red.`);
  if (nameProblem) blockers.push(`Run name: ${nameProblem}`);

  async function start(): Promise<void> {
    setStarting(true);
    setStartError(null);
    try {
      const run = await client.invoke('runs.start', { name: name.trim(), presetId: preset?.id, config: check.config, splits, gpus: selectedGpus });
      openRun(run.id);
    } catch (error) {
      setStartError(describeError(error));
      setStarting(false);
    }
  }

  return (
    <div className="train-grid">
      <div className="train-column">
        {environmentPanel}
        <Panel title="Preset" testId="preset-panel" aside={<span className="muted small">fills every option; edit any afterwards</span>}>
          {setup.presets.error ? <p className="inline-error">{setup.presets.error.message}</p> : <PresetPicker presets={presets} selectedId={preset?.id ?? null} onSelect={applyPreset} hasGpu={gpus.length > 0} />}
        </Panel>
        <Panel title="Base model" testId="model-panel">
          <ModelPicker path={model.path} state={model.state} onPathChange={model.setPath} onUseTiny={() => void model.useTiny()} makingTiny={model.makingTiny} />
        </Panel>
        <Panel title="Data and device" testId="data-panel">
          <div className="stack">
            {project && <SplitPicker project={project} value={splits} onChange={setSplits} />}
            <GpuPicker gpus={gpus} selected={selectedGpus} onChange={setSelectedGpus} />
          </div>
        </Panel>
      </div>
      <div className="train-column">
        <Panel title="Start" testId="start-panel" className="start-panel">
          <div className="stack">
            <div className="row start-row">
              <div className="field grow">
                <label className="field-label" htmlFor="run-name">
                  Run name
                </label>
                <input
                  id="run-name"
                  className="input mono"
                  value={name}
                  spellCheck={false}
                  aria-invalid={nameProblem ? true : undefined}
                  data-testid="run-name"
                  onChange={(event) => {
                    setName(event.target.value);
                    setNameEdited(true);
                  }}
                />
              </div>
              <button type="button" className="button primary train-button" disabled={blockers.length > 0 || starting} onClick={() => void start()} data-testid="train-start">
                {starting ? 'Starting…' : 'Train'}
              </button>
            </div>
            <EstimateLine state={estimate} />
            {project && estimate.kind === 'ready' && <CountExplanation text={countExplanation(project, splits, estimate.estimate)} />}
            <p className="muted small">
              {labeled.toLocaleString()} labeled items in {splits.train.join(' + ') || 'no split'} · validating on {splits.val.join(' + ') || 'nothing'} ·{' '}
              {selectedGpus.length === 0 ? 'CPU' : `GPU ${selectedGpus.join(', ')}`}
            </p>
            {project && <ValidationGuard project={project} splits={splits} onSplits={setSplits} />}
            {blockers.length > 0 && (
              <ul className="problem-list small" data-testid="start-blockers">
                {blockers.map((blocker) => (
                  <li key={blocker}>{blocker}</li>
                ))}
              </ul>
            )}
            {startError && (
              <p className="inline-error" data-testid="start-error">
                {startError.message}
                {startError.hint && <span className="muted"> {startError.hint}</span>}
              </p>
            )}
          </div>
        </Panel>
        <Panel title="All options" testId="options-panel" className="options-panel">
          <ConfigForm
            fields={fields}
            draft={draft}
            errors={optionErrors}
            onChange={change}
            changedCount={check.changedCount}
            onResetAll={() => setDraft(draftFrom(fields, preset?.config ?? {}))}
          />
        </Panel>
      </div>
    </div>
  );
}

function CountExplanation({ text }: { text: string | null }) {
  if (text === null) return null;
  return (
    <p className="small muted" data-testid="run-count-explanation">
      {text}
    </p>
  );
}
