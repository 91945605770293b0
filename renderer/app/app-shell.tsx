/**
 * The frame around every view: top bar, connection banner, left nav, the view, toasts.
 * With no project open, the welcome screen takes the whole body.
 */
import { useProjectStore } from '../state/project-store';
import { useRouteStore, type ViewId } from '../state/route-store';
import { useSettingsStore } from '../state/settings-store';
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
import { ConnectionBanner } from './connection-banner';
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

export function AppShell({ onRetryConnection }: { onRetryConnection: (() => void) | null }) {
  useStudioBootstrap();
  const loaded = useProjectStore((state) => state.loaded);
  const project = useProjectStore((state) => state.project);
  const view = useRouteStore((state) => state.view);
  const settingsOpen = useSettingsStore((state) => state.dialogOpen);

  return (
    <div className="app" data-testid="app" data-project-open={project ? 'true' : 'false'}>
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
      ) : (
        <WelcomeView />
      )}
      {settingsOpen && <SettingsDialog firstUse={false} />}
      <ToastStack />
    </div>
  );
}
