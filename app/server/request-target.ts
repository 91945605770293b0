/**
 * The path and query of a request, parsed without ever throwing. `new URL(request.url, base)`
 * reads `//x` as a host name (and throws on `//` alone), so one `<img src="http://127.0.0.1:PORT//">`
 * on any web page would otherwise take a server down. Only origin-form targets (`/path?query`)
 * are paths; `*` and absolute URLs (proxy requests) are not, and get a 400.
 */
export function parseRequestTarget(raw: string | undefined): URL | null {
  if (!raw?.startsWith('/')) return null;
  try {
    // Appended to a fixed origin, `//evil.example/x` stays a path (`//evil.example/x`), never a host.
    return new URL(`http://request.invalid${raw}`);
  } catch {
    return null;
  }
}

export const BAD_TARGET_MESSAGE = 'The request target is not a path (it must start with "/").';
export const BAD_TARGET_HINT = 'Send a request for a path on this server, e.g. GET /, without a scheme or host in the request line.';
