/**
 * Home leads a newcomer: the five steps from an empty project to a compared model, each ticked from
 * the project's real state (not from clicks) and each one click into the view that does it, with
 * the one thing to do next as the primary button — "Start annotating (N to do)".
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import type { ProjectSummary } from '../../client/contract-types';
import { formatCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useRouteStore } from '../../state/route-store';
import { useSettingsStore } from '../../state/settings-store';

/** Judgments after which a first run has something to learn from. */
export const ENOUGH_TO_TRAIN = 10;

interface Step {
  id: string;
  label: string;
  done: boolean;
  detail: string;
  action: string;
  go(): void;
}

interface Progress {
  runs: number;
  finishedEvaluations: number;
}

/**
 * Loaded once per project; afterwards events only reload when a count can have changed — a run
 * not seen before, an evaluation that finished — not on every progress update of a running run.
 */
function useProgress(projectDir: string): Progress | null {
  const client = useStudioClient();
  const [progress, setProgress] = useState<Progress | null>(null);
  const known = useRef(new Set<number>());
  const load = useCallback(() => {
    Promise.all([client.invoke('runs.list', {}), client.invoke('evaluations.list', {})]).then(
      ([runs, evaluations]) => {
        known.current = new Set(runs.map((run) => run.id));
        setProgress({ runs: runs.length, finishedEvaluations: evaluations.filter((evaluation) => evaluation.status === 'finished').length });
      },
      () => setProgress(null),
    );
  }, [client]);
  useEffect(() => load(), [load, projectDir]);
  useStudioEvent('runs.onChanged', (run) => {
    if (!known.current.has(run.id)) load();
  });
  useStudioEvent('evaluations.onChanged', (evaluation) => {
    if (evaluation.status === 'finished') load();
  });
  return progress;
}

export function FirstSteps({ project, onImport }: { project: ProjectSummary; onImport(): void }) {
  const navigate = useRouteStore((state) => state.navigate);
  const annotator = useSettingsStore((state) => state.settings.annotator);
  const openSettings = useSettingsStore((state) => state.openDialog);
  const progress = useProgress(project.dir);
  const mine = annotator ? (project.byAnnotator.find((entry) => entry.name === annotator)?.judged ?? 0) : 0;
  const toDo = Math.max(project.itemCount - mine, 0);
  const steps: Step[] = [
    { id: 'name', label: 'Say who is judging', done: annotator !== null, detail: annotator ? `as ${annotator}` : 'judgments are recorded under your name', action: 'Set your name', go: openSettings },
    { id: 'import', label: 'Bring in items', done: project.itemCount > 0, detail: `${formatCount(project.itemCount)} items`, action: 'Import', go: onImport },
    {
      id: 'judge',
      label: `Judge ${ENOUGH_TO_TRAIN} or more`,
      done: project.labeledCount >= ENOUGH_TO_TRAIN,
      detail: `${formatCount(project.labeledCount)} labeled`,
      action: 'Annotate',
      go: () => navigate('annotate'),
    },
    { id: 'train', label: 'Train a first run', done: (progress?.runs ?? 0) > 0, detail: `${formatCount(progress?.runs ?? 0)} runs`, action: 'Train', go: () => navigate('train') },
    {
      id: 'compare',
      label: 'Compare two checkpoints',
      done: (progress?.finishedEvaluations ?? 0) >= 2,
      detail: `${formatCount(progress?.finishedEvaluations ?? 0)} evaluations`,
      action: 'Evaluate',
      go: () => navigate((progress?.finishedEvaluations ?? 0) >= 2 ? 'compare' : 'evaluate'),
    },
  ];
  const next = steps.find((step) => !step.done) ?? null;
  return (
    <Panel
      title="Getting started"
      testId="first-steps"
      className="first-steps-panel"
      aside={
        project.itemCount > 0 ? (
          <button type="button" className="button primary" onClick={() => navigate('annotate')} data-testid="start-annotating">
            Start annotating ({formatCount(toDo)} to do)
          </button>
        ) : undefined
      }
    >
      <ol className="first-steps">
        {steps.map((step) => (
          <li key={step.id} className={step.done ? 'first-step done' : step === next ? 'first-step next' : 'first-step'} data-testid={`first-step-${step.id}`} data-done={step.done ? 'true' : 'false'}>
            <span className="first-step-mark" aria-hidden="true">
              {step.done ? '✓' : '○'}
            </span>
            <span className="first-step-label">{step.label}</span>
            <span className="muted small">{step.detail}</span>
            <button type="button" className={step === next ? 'button small primary' : 'button small'} onClick={step.go} data-testid={`first-step-${step.id}-go`}>
              {step.action}
            </button>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
