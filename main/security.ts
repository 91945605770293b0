/**
 * Window hardening, after Electron's security checklist and Actual Budget's desktop app:
 * no navigation away from the app, no new windows, no <webview>, no permission prompts.
 * External http(s) links open in the system browser instead.
 */
import { app, shell, type WebContents } from 'electron';
import { APP_ORIGIN } from './app-protocol';

/**
 * Compared by scheme and host, not by `URL.origin`: the main process parses with Node's URL, for
 * which app: is not a special scheme, so its origin is always the string "null".
 */
function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

function openExternally(url: string): void {
  if (/^https?:\/\//.test(url)) void shell.openExternal(url);
}

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
      openExternally(url);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}
