/**
 * The two forms for choosing a project: open an existing folder, or create a new one.
 * Paths are on the machine running the studio core (the same machine in the desktop app).
 */
import { useState, type FormEvent } from 'react';
import { PathField } from '../../components/path-field';
import type { ProjectActions } from './use-project-actions';

export function OpenProjectForm({ actions, autoFocus }: { actions: ProjectActions; autoFocus?: boolean }) {
  const [dir, setDir] = useState('');
  function submit(event: FormEvent): void {
    event.preventDefault();
    if (dir.trim()) void actions.open(dir.trim());
  }
  return (
    <form className="stack" onSubmit={submit} data-testid="open-project-form">
      <PathField
        label="Project folder"
        kind="open-directory"
        value={dir}
        onChange={setDir}
        placeholder="/path/to/my-project"
        testId="open-project-path"
        dialogTitle="Open a Reward Studio project folder"
        autoFocus={autoFocus}
      />
      <div className="row end">
        <button type="submit" className="button primary" disabled={!dir.trim() || actions.busy !== null} data-testid="open-project-submit">
          {actions.busy === 'open' ? 'Opening…' : 'Open folder'}
        </button>
      </div>
    </form>
  );
}

/** `idPrefix` keeps ids and test ids unique when two of these forms are on screen (Home and the switcher). */
export function CreateProjectForm({ actions, idPrefix = 'create-project' }: { actions: ProjectActions; idPrefix?: string }) {
  const [name, setName] = useState('');
  const [dir, setDir] = useState('');
  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!dir.trim() || !(await actions.create(dir.trim(), name))) return;
    // The new project is open: an empty form, and its Home from the top.
    setName('');
    setDir('');
    document.querySelector('.view')?.scrollTo({ top: 0 });
  }
  return (
    <form className="stack" onSubmit={(event) => void submit(event)} data-testid={`${idPrefix}-form`}>
      <div className="field">
        <label className="field-label" htmlFor={`${idPrefix}-name`}>
          Name
        </label>
        <input
          id={`${idPrefix}-name`}
          className="input"
          type="text"
          value={name}
          placeholder="e.g. Chart QA preferences"
          data-testid={`${idPrefix}-name`}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <PathField
        label="New folder"
        kind="open-directory"
        value={dir}
        onChange={setDir}
        placeholder="/path/to/new-project"
        testId={`${idPrefix}-path`}
        dialogTitle="Choose a folder for the new project"
      />
      <div className="row end">
        <button type="submit" className="button" disabled={!dir.trim() || actions.busy !== null} data-testid={`${idPrefix}-submit`}>
          {actions.busy === 'create' ? 'Creating…' : 'Create project'}
        </button>
      </div>
    </form>
  );
}
