/**
 * The frame around every view: top bar, connection banner, left nav, the view, toasts.
 * With no project open, the welcome screen takes the whole body. A team member sees only the
 * views of their role (role-views.ts); a hidden view in the address bar becomes Annotate. A
 * revoked or expired link replaces everything with one message.
 */
import { useEffect } from 'react';
import { useConnectionStore } from '../state/connection-store';
import { useProjectStore } from '../state/project-store';
import { formatHash, useRouteStore, type ViewId } from '../state/route-store';
import { useSettingsStore } from '../state/settings-store';
import { isMember, useTeamStore } from '../state/team-store';
import { GuidelinesGate } from '../views/annotate/guidelines';
import { AgreementView } from '../views/agreement/agreement-view';
import { AnnotateView } from '../views/annotate/annotate-view';
import { CompareView } from '../views/compare/compare-view';
import { EvaluateView } from '../views/evaluate/evaluate-view';
import { HomeView } from '../views/home/home-view';
import { ItemsView } from '../views/items/items-view';
import { ModelsView } from '../views/models/models-view';
import { RunsView } from '../views/runs/runs-view';
import { TrainView } from '../views/runs/start/train-view';
import { TeamView } from '../views/team/team-view';
import { WelcomeView } from '../views/welcome/welcome-view';
import { ConnectionBanner, RevokedPage } from './connection-banner';
import { allowedView } from './role-views';
import { SettingsDialog } from './settings-dialog';
import { SideNav } from './side-nav';
import { ToastStack } from './toast-stack';
import { TopBar } from './top-bar';
import { useStudioBootstrap } from './use-studio-bootstrap';

function CurrentView({ view }: { view: ViewId }) {
  switch (view) {
    case 'home':
      return <HomeView />;
    case 'annotate':
      return <AnnotateView />;
    case 'items':
      return <ItemsView />;
    case 'agreement':
      return <AgreementView />;
    case 'team':
      return <TeamView />;
    case 'train':
      return <TrainView />;
    case 'runs':
      return <RunsView />;
    case 'evaluate':
      return <EvaluateView />;
    case 'compare':
      return <CompareView />;
    case 'models':
      return <ModelsView />;
  }
}

/** Puts the shown view in the address bar in place of a hidden one (replace: Back must not return to it). */
function useLandOnAllowedView(requested: ViewId, shown: ViewId): void {
  useEffect(() => {
    if (requested === shown) return;
    window.history.replaceState(window.history.state, '', formatHash({ view: shown, itemId: null, runId: null, compareIds: null }));
    useRouteStore.setState({ view: shown, itemId: null, runId: null, compareIds: null });
  }, [requested, shown]);
}

export function AppShell({ onRetryConnection }: { onRetryConnection: (() => void) | null }) {
  useStudioBootstrap();
  const projectLoaded = useProjectStore((state) => state.loaded);
  const teamLoaded = useTeamStore((state) => state.loaded);
  const role = useTeamStore((state) => state.session.role);
  const project = useProjectStore((state) => state.project);
  const requested = useRouteStore((state) => state.view);
  const settingsOpen = useSettingsStore((state) => state.dialogOpen);
  const revoked = useConnectionStore((state) => state.status.state === 'revoked');
  const loaded = projectLoaded && teamLoaded;
  const view = allowedView(role, requested);
  useLandOnAllowedView(requested, loaded ? view : requested);

  if (revoked) return <RevokedPage />;

  return (
    <div className="app" data-testid="app" data-project-open={project ? 'true' : 'false'} data-role={loaded ? role : ''}>
      <TopBar />
      <ConnectionBanner onRetry={onRetryConnection} />
      {!loaded ? (
        <main className="loading" data-testid="app-loading">
          Connecting to the studio…
        </main>
      ) : project ? (
        <div className="workspace">
          <SideNav />
          <main className="view" data-testid={`view-${view}`}>
            <CurrentView view={view} />
          </main>
        </div>
      ) : isMember(role) ? (
        <main className="loading" data-testid="member-no-project">
          The project owner has no project open right now. Ask them to open it, then reload this page.
        </main>
      ) : (
        <WelcomeView />
      )}
      {loaded && project && isMember(role) && <GuidelinesGate />}
      {settingsOpen && <SettingsDialog firstUse={false} />}
      <ToastStack />
    </div>
  );
}
