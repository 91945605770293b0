/**
 * How items are handed out (`team.plan` / `team.setPlan`). The form keeps what the owner typed
 * while they edit; a plan changed elsewhere replaces it only when nothing was edited here.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useStudioClient } from '../../client/client-context';
import { Panel } from '../../components/panel';
import { SelectField } from '../../components/select-field';
import { toastError, toastSuccess } from '../../state/toast-store';
import { draftToPlan, planToDraft, plansEqual, type PlanDraft } from './team-format';
import { useTeamData } from './use-team-data';

const FLAGGED_OPTIONS = [
  { value: 'all', label: 'Flagged or not' },
  { value: 'flagged', label: 'Flagged only' },
  { value: 'unflagged', label: 'Unflagged only' },
] as const;

const SPLIT_OPTIONS = [
  { value: 'all', label: 'All splits' },
  { value: 'train', label: 'train' },
  { value: 'val', label: 'val' },
  { value: 'test', label: 'test' },
] as const;

interface NumberFieldProps {
  label: string;
  help: string;
  value: string;
  min: number;
  max: number;
  step?: number | 'any';
  testId: string;
  disabled: boolean;
  onChange: (value: string) => void;
}

function NumberField({ label, help, value, min, max, step = 1, testId, disabled, onChange }: NumberFieldProps) {
  const id = useId();
  return (
    <div className="field team-plan-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input num"
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-describedby={`${id}-help`}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
      <span id={`${id}-help`} className="small muted">
        {help}
      </span>
    </div>
  );
}

/** Like the Items search: only items whose query or a response contains the text are handed out. */
function SearchFilterField({ value, disabled, onChange }: { value: string; disabled: boolean; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field team-plan-field">
      <label className="field-label" htmlFor={id}>
        Only items containing
      </label>
      <input
        id={id}
        className="input"
        type="text"
        value={value}
        placeholder="any text"
        maxLength={500}
        disabled={disabled}
        aria-describedby={`${id}-help`}
        data-testid="team-plan-search"
        onChange={(event) => onChange(event.target.value)}
      />
      <span id={`${id}-help`} className="small muted">
        Text in the query or a response, as the Items search; empty: every item.
      </span>
    </div>
  );
}

function Help({ children }: { children: ReactNode }) {
  return <span className="small muted">{children}</span>;
}

export function AssignmentPanel() {
  const client = useStudioClient();
  const saved = useTeamData('team.plan', { team: ['plan'] });
  const [draft, setDraft] = useState<PlanDraft | null>(null);
  const [edited, setEdited] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (saved.data && !edited) setDraft(planToDraft(saved.data));
  }, [saved.data, edited]);

  function change(patch: Partial<PlanDraft>): void {
    if (!draft) return;
    setDraft({ ...draft, ...patch });
    setEdited(true);
  }

  const check = draft ? draftToPlan(draft) : null;
  const unchanged = check?.plan && saved.data ? plansEqual(check.plan, saved.data) : true;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!check?.plan) return;
    setSaving(true);
    try {
      const plan = await client.invoke('team.setPlan', check.plan);
      saved.replace(plan);
      setDraft(planToDraft(plan));
      setEdited(false);
      toastSuccess('Assignment plan saved; it applies to the next items handed out.');
    } catch (failure) {
      toastError(failure, 'Saving the plan');
    } finally {
      setSaving(false);
    }
  }

  return (
    <Panel title="Assignment" testId="team-assignment">
      {saved.error && !draft ? (
        <p className="small danger">
          Could not read the plan: {saved.error.message}{' '}
          <button type="button" className="button small" onClick={saved.reload}>
            Try again
          </button>
        </p>
      ) : !draft ? (
        <p className="small muted">Loading the plan…</p>
      ) : (
        <form className="stack" onSubmit={(event) => void submit(event)} data-testid="team-plan-form">
          <div className="team-plan-grid">
            <NumberField
              label="People per item"
              help="How many different people judge each item (overlap k)."
              value={draft.overlap}
              min={1}
              max={50}
              testId="team-plan-overlap"
              disabled={saving}
              onChange={(overlap) => change({ overlap })}
            />
            <div className="field team-plan-field">
              <SelectField label="Split" value={draft.split} options={SPLIT_OPTIONS} onChange={(split) => change({ split })} testId="team-plan-split" disabled={saving} />
              <Help>Only items of this split are handed out.</Help>
            </div>
            <SearchFilterField value={draft.search} disabled={saving} onChange={(search) => change({ search })} />
            <div className="field team-plan-field">
              <SelectField label="Flag" value={draft.flagged} options={FLAGGED_OPTIONS} onChange={(flagged) => change({ flagged })} testId="team-plan-flagged" disabled={saving} />
              <Help>Hand out only flagged items, or only unflagged ones.</Help>
            </div>
            <NumberField
              label="Lease (minutes)"
              help="An item not judged in this time goes back to the pool."
              value={draft.leaseMinutes}
              min={1}
              max={7 * 24 * 60}
              testId="team-plan-lease"
              disabled={saving}
              onChange={(leaseMinutes) => change({ leaseMinutes })}
            />
            <NumberField
              label="Items held at once"
              help="The current item and the next few, fetched ahead per person."
              value={draft.batch}
              min={1}
              max={100}
              testId="team-plan-batch"
              disabled={saving}
              onChange={(batch) => change({ batch })}
            />
            <NumberField
              label="Gold rate (%)"
              help="Share of handed-out items that are gold items, mixed in unmarked."
              value={draft.goldPercent}
              min={0}
              max={100}
              step="any"
              testId="team-plan-gold"
              disabled={saving}
              onChange={(goldPercent) => change({ goldPercent })}
            />
          </div>
          {check?.problem && <p className="small danger" data-testid="team-plan-problem">{check.problem}</p>}
          <div className="row end">
            {edited && (
              <button
                type="button"
                className="button"
                disabled={saving}
                onClick={() => {
                  setEdited(false);
                  if (saved.data) setDraft(planToDraft(saved.data));
                }}
              >
                Reset
              </button>
            )}
            <button type="submit" className="button primary" disabled={saving || !check?.plan || unchanged} data-testid="team-plan-save">
              {saving ? 'Saving…' : 'Save plan'}
            </button>
          </div>
        </form>
      )}
    </Panel>
  );
}
