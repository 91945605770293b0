import { formatCount } from '../components/format';
import { useProjectStore } from '../state/project-store';
import { useRouteStore } from '../state/route-store';
import { NAV_ENTRIES } from './nav-entries';

export function SideNav() {
  const view = useRouteStore((state) => state.view);
  const navigate = useRouteStore((state) => state.navigate);
  const itemCount = useProjectStore((state) => state.project?.itemCount ?? null);
  return (
    <nav className="side-nav" aria-label="Views" data-testid="side-nav">
      {NAV_ENTRIES.map((entry) => (
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
