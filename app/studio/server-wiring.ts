/**
 * What `reward-studio serve` hands the HTTP/WebSocket server from a studio session: the owner's
 * handler table and the team members' (app/team), the event bus, project files, uploads and
 * downloads. One function so the server tests run exactly what `serve` runs.
 */
import { createRouter } from '../rpc/router';
import type { StudioServerOptions } from '../server/studio-server';
import { createHandlers, createMemberHandlers } from './create-handlers';
import type { Studio } from './studio';

export type StudioWiring = Pick<StudioServerOptions, 'router' | 'events' | 'projectFile' | 'uploadDir' | 'download' | 'members'>;

export function studioServerWiring(studio: Studio): StudioWiring {
  const handlers = createHandlers(studio);
  return {
    router: createRouter(handlers, createMemberHandlers(studio, handlers)),
    events: studio.events,
    projectFile: (relPath) => studio.projectFile(relPath),
    uploadDir: () => studio.uploadsDir(),
    download: (id) => studio.downloads.content(id),
    // Team members' links belong to the open project; checked again on every call.
    members: {
      identify: (secret) => studio.teamIfOpen()?.identify(secret) ?? null,
      verify: (member) => studio.teamIfOpen()?.stillActive(member) ?? null,
    },
  };
}
