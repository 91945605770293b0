/**
 * The token `reward-studio serve` prints in its URL (like Jupyter's). It is read from `?token=` on
 * the first load, kept in sessionStorage (so a reload without it still works in this tab), and
 * removed from the address bar so it does not end up in screenshots, history or shared links.
 * The server also sets a cookie; when neither is present we connect without one and let the
 * cookie (or the server's refusal) decide.
 */
export const TOKEN_STORAGE_KEY = 'reward-studio.token';

export interface TokenSource {
  location: Pick<Location, 'search' | 'pathname' | 'hash'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
  history?: Pick<History, 'replaceState' | 'state'>;
}

export function readAccessToken(source: TokenSource): string | null {
  const params = new URLSearchParams(source.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      source.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled (private mode policies); the token still works for this page.
    }
    if (source.history) {
      params.delete('token');
      const rest = params.toString();
      source.history.replaceState(
        source.history.state,
        '',
        `${source.location.pathname}${rest ? `?${rest}` : ''}${source.location.hash}`,
      );
    }
    return fromUrl;
  }
  try {
    return source.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
