import { formatCount } from '../components/format';
import { useProjectStore } from '../state/project-store';
import { useRouteStore } from '../state/route-store';
import { useTeamStore } from '../state/team-store';
import { NAV_ENTRIES } from './nav-entries';
import { allowedView, viewsFor } from './role-views';

export function SideNav() {
  const role = useTeamStore((state) => state.session.role);
  // A hidden view (typed into the address bar) shows Annotate, and so is Annotate marked here.
  const view = allowedView(role, useRouteStore((state) => state.view));
  const shown = viewsFor(role);
  const navigate = useRouteStore((state) => state.navigate);
  const itemCount = useProjectStore((state) => state.project?.itemCount ?? null);
  return (
    <nav className="side-nav" aria-label="Views" data-testid="side-nav">
      {NAV_ENTRIES.filter((entry) => shown.includes(entry.id)).map((entry) => (
        <button
          key={entry.id}
          type="button"
          className={entry.id === view ? 'nav-entry active' : 'nav-entry'}
          aria-current={entry.id === view ? 'page' : undefined}
          data-testid={`nav-${entry.id}`}
          onClick={() => navigate(entry.id)}
        >
          <span className="nav-icon">{entry.icon}</span>
          <span className="nav-label">{entry.label}</span>
          {entry.id === 'items' && itemCount !== null && <span className="nav-count">{formatCount(itemCount)}</span>}
        </button>
      ))}
    </nav>
  );
}
