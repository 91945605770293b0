import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppShell } from './app/app-shell';
import { outboxFor, warnBeforeUnload } from './client/action-outbox';
import { ClientProvider } from './client/client-context';
import { createBrowserClient } from './client/create-client';
import { TOAST_LIFETIME_MS, toastError, useToastStore } from './state/toast-store';
import './styles/tokens.css';
import './styles/base.css';
import './styles/shell.css';
import './styles/home.css';
import './styles/items.css';
import './styles/annotate.css';
import './styles/agreement.css';
import './styles/train.css';
import './styles/runs.css';
import './styles/pending-actions.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element.');

const { client, reconnectNow } = createBrowserClient();
// Made at startup, not when Annotate opens: actions an earlier page left unsent are resent now.
const outbox = outboxFor(client, {
  onOrphanError: (error, action) => toastError(error, `Sending an earlier ${action.name} (kept while offline)`),
  onHeld: (projectDir) =>
    useToastStore.getState().push({
      kind: 'info',
      message: `Judgments made in ${projectDir} are kept in this browser, not yet saved: the server has another project open.`,
      hint: `Serve that project at this address (reward-studio serve --project "${projectDir}") or open it here, and they are sent.`,
      // It asks for something to be done, like an error: it stays as long as one.
      durationMs: TOAST_LIFETIME_MS.error,
    }),
});
warnBeforeUnload(outbox);

createRoot(rootElement).render(
  <StrictMode>
    <ClientProvider client={client}>
      <AppShell onRetryConnection={reconnectNow} />
    </ClientProvider>
  </StrictMode>,
);
