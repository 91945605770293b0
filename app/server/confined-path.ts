import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Resolves a URL path below `root`, refusing anything that escapes it: `..` segments, absolute
 * paths, encoded separators, and symlinks pointing outside. Returns null when refused or missing.
 */
export async function resolveInside(root: string, relativeUrlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativeUrlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '..' || segment === '.')) return null;
  const candidate = path.join(root, ...segments);
  try {
    const [realRoot, realCandidate] = await Promise.all([realpath(root), realpath(candidate)]);
    const relative = path.relative(realRoot, realCandidate);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
    return realCandidate;
  } catch {
    return null;
  }
}
