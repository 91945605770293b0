import { createContext, useContext, type ReactNode } from 'react';
import type { StudioClient } from './studio-client';

const ClientContext = createContext<StudioClient | null>(null);

export function ClientProvider({ client, children }: { client: StudioClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useStudioClient(): StudioClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useStudioClient() outside <ClientProvider>: the app root must provide the client.');
  return client;
}
