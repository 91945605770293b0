/** Shown when no project is open: every way to get one, on one calm screen. */
import { CreateProjectForm, OpenProjectForm } from '../project/project-forms';
import { RecentProjectsList } from '../project/recent-projects-list';
import { useProjectActions } from '../project/use-project-actions';

export function WelcomeView() {
  const actions = useProjectActions();
  return (
    <main className="welcome" data-testid="welcome">
      <div className="welcome-inner">
        <header className="welcome-header">
          <h1>Reward Studio</h1>
          <p className="muted">
            Annotate image–response preferences, train reward models, and export the dataset as JSONL. A project is a folder: open
            one, create one, or explore the sample.
          </p>
        </header>
        <div className="welcome-grid">
          <section className="panel">
            <header className="panel-header">
              <h2 className="panel-title">Recent projects</h2>
            </header>
            <div className="panel-body">
              <RecentProjectsList onOpen={(dir) => void actions.open(dir)} disabled={actions.busy !== null} />
            </div>
          </section>
          <section className="panel">
            <header className="panel-header">
              <h2 className="panel-title">Start with the sample</h2>
            </header>
            <div className="panel-body stack">
              <p className="muted small">
                A synthetic vision preference set: a coloured shape, a question about it, one right and one wrong answer, some items with
                three or four responses, some already judged.
              </p>
              <div className="row">
                <button
                  type="button"
                  className="button primary"
                  disabled={actions.busy !== null}
                  data-testid="open-sample-project"
                  onClick={() => void actions.openSample()}
                >
                  {actions.busy === 'sample' ? 'Opening the sample…' : 'Open sample project'}
                </button>
              </div>
            </div>
          </section>
          <section className="panel">
            <header className="panel-header">
              <h2 className="panel-title">Open a project folder</h2>
            </header>
            <div className="panel-body">
              <OpenProjectForm actions={actions} autoFocus />
            </div>
          </section>
          <section className="panel">
            <header className="panel-header">
              <h2 className="panel-title">New project</h2>
            </header>
            <div className="panel-body">
              <CreateProjectForm actions={actions} />
            </div>
          </section>
        </div>
      </div>
    </main>
  );
}
