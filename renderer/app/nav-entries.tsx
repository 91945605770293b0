/**
 * The left navigation. Later views (Annotate, Train, Runs, Compare) are one entry here plus a
 * case in app-shell's view switch; nothing else in the shell needs to change.
 */
import type { ReactNode } from 'react';
import type { ViewId } from '../state/route-store';

export interface NavEntry {
  id: ViewId;
  label: string;
  icon: ReactNode;
}

const iconProps = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.5,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
} as const;

export const NAV_ENTRIES: readonly NavEntry[] = [
  {
    id: 'home',
    label: 'Home',
    icon: (
      <svg {...iconProps}>
        <path d="M2.5 7.2 8 2.5l5.5 4.7v6.3h-3.7V10H6.2v3.5H2.5z" />
      </svg>
    ),
  },
  {
    id: 'annotate',
    label: 'Annotate',
    icon: (
      <svg {...iconProps}>
        <rect x="2" y="3" width="5.2" height="10" rx="1" />
        <rect x="8.8" y="3" width="5.2" height="10" rx="1" />
        <path d="m3.6 8.2 1.1 1.1 1.8-2.2" />
      </svg>
    ),
  },
  {
    id: 'items',
    label: 'Items',
    icon: (
      <svg {...iconProps}>
        <rect x="2.5" y="2.5" width="4" height="4" rx="0.8" />
        <rect x="2.5" y="9.5" width="4" height="4" rx="0.8" />
        <path d="M9 4.5h4.5M9 11.5h4.5" />
      </svg>
    ),
  },
  {
    id: 'agreement',
    label: 'Agreement',
    icon: (
      <svg {...iconProps}>
        <circle cx="6" cy="8" r="3.6" />
        <circle cx="10" cy="8" r="3.6" />
      </svg>
    ),
  },
  {
    id: 'team',
    label: 'Team',
    icon: (
      <svg {...iconProps}>
        <circle cx="5.5" cy="5.5" r="2.2" />
        <circle cx="11" cy="6.5" r="1.8" />
        <path d="M1.8 13c.4-2.4 1.8-3.8 3.7-3.8s3.3 1.4 3.7 3.8" />
        <path d="M9.6 10.1c.4-.2.9-.3 1.4-.3 1.6 0 2.7 1.1 3.1 3.2" />
      </svg>
    ),
  },
  {
    id: 'train',
    label: 'Train',
    icon: (
      <svg {...iconProps}>
        <path d="M4.5 3v10l8-5z" />
      </svg>
    ),
  },
  {
    id: 'runs',
    label: 'Runs',
    icon: (
      <svg {...iconProps}>
        <path d="M2.5 13.5h11" />
        <path d="m3 11 3-4 2.5 2 4.5-6" />
      </svg>
    ),
  },
  {
    id: 'evaluate',
    label: 'Evaluate',
    icon: (
      <svg {...iconProps}>
        <circle cx="8" cy="8" r="5.5" />
        <circle cx="8" cy="8" r="2.5" />
        <path d="M8 2.5v1.5M8 12v1.5M2.5 8H4M12 8h1.5" />
      </svg>
    ),
  },
  {
    id: 'compare',
    label: 'Compare',
    icon: (
      <svg {...iconProps}>
        <path d="M8 2v12" />
        <path d="M2.5 11.5 5 6l2.5 5.5M8.5 11.5 11 6l2.5 5.5" />
        <path d="M3 11.5h4M9 11.5h4" />
      </svg>
    ),
  },
  {
    id: 'models',
    label: 'Models',
    icon: (
      <svg {...iconProps}>
        <path d="M8 2.2 13.5 5v6L8 13.8 2.5 11V5z" />
        <path d="M2.7 5.1 8 8l5.3-2.9M8 8v5.6" />
      </svg>
    ),
  },
];
