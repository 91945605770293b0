/**
 * The project name in the top bar, opening a popover with the same actions as the welcome
 * screen. Closes on Escape, on a click outside, and after a project opened.
 */
import { useEffect, useRef, useState } from 'react';
import { useProjectStore } from '../state/project-store';
import { CreateProjectForm, OpenProjectForm } from '../views/project/project-forms';
import { RecentProjectsList } from '../views/project/recent-projects-list';
import { useProjectActions } from '../views/project/use-project-actions';

export function ProjectSwitcher() {
  const project = useProjectStore((state) => state.project);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const actions = useProjectActions(() => setOpen(false));

  useEffect(() => {
    if (!open) return;
    function onKey(event: KeyboardEvent): void {
      if (event.key === 'Escape') setOpen(false);
    }
    function onPointer(event: PointerEvent): void {
      if (root.current && event.target instanceof Node && !root.current.contains(event.target)) setOpen(false);
    }
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <div className="switcher" ref={root}>
      <button
        type="button"
        className="switcher-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={project?.dir}
        data-testid="project-switcher"
        onClick={() => setOpen((value) => !value)}
      >
        <span className="switcher-name" data-testid="project-name">
          {project ? project.name : 'No project'}
        </span>
        <span className="switcher-chevron" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <div className="switcher-popover" role="dialog" aria-label="Switch project" data-testid="project-switcher-popover">
          <section className="switcher-section">
            <h3 className="section-label">Recent</h3>
            <RecentProjectsList onOpen={(dir) => void actions.open(dir)} disabled={actions.busy !== null} />
          </section>
          <section className="switcher-section">
            <h3 className="section-label">Open folder</h3>
            <OpenProjectForm actions={actions} autoFocus />
          </section>
          <section className="switcher-section">
            <h3 className="section-label">New project</h3>
            <CreateProjectForm actions={actions} />
          </section>
          <section className="switcher-section row">
            <button
              type="button"
              className="button"
              disabled={actions.busy !== null}
              data-testid="switcher-open-sample"
              onClick={() => void actions.openSample()}
            >
              {actions.busy === 'sample' ? 'Opening the sample…' : 'Open sample project'}
            </button>
          </section>
        </div>
      )}
    </div>
  );
}
