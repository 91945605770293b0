import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppShell } from './app/app-shell';
import { ClientProvider } from './client/client-context';
import { createBrowserClient } from './client/create-client';
import './styles/tokens.css';
import './styles/base.css';
import './styles/shell.css';
import './styles/home.css';
import './styles/items.css';
import './styles/annotate.css';
import './styles/agreement.css';
import './styles/train.css';
import './styles/runs.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element.');

const { client, reconnectNow } = createBrowserClient();

createRoot(rootElement).render(
  <StrictMode>
    <ClientProvider client={client}>
      <AppShell onRetryConnection={reconnectNow} />
    </ClientProvider>
  </StrictMode>,
);
