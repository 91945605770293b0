/**
 * The Serve panel's optional API key: generated here (32 random bytes as 64 hex digits) or typed,
 * checked with the same rule as `serving.start`'s `apiKey` (app/contract/scoring.ts; a test keeps
 * the two in step). The key lives only in the renderer's memory for the client examples: the
 * studio hands it to the server and reports no more than `apiKeyRequired`.
 */
import { create } from 'zustand';

export const API_KEY_MIN_CHARS = 16;
export const API_KEY_MAX_CHARS = 256;

/** 32 bytes from the platform's CSPRNG, as lowercase hex. */
export function generateApiKey(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Why a typed key cannot be used, or null when it can (an empty field means "no key"). */
export function apiKeyProblem(key: string): string | null {
  if (key === '') return null;
  if (/\s/.test(key)) return 'The API key cannot contain spaces or other whitespace.';
  if (key.length < API_KEY_MIN_CHARS) return `The API key needs at least ${API_KEY_MIN_CHARS} characters (Generate makes a 64-digit one).`;
  if (key.length > API_KEY_MAX_CHARS) return `The API key is at most ${API_KEY_MAX_CHARS} characters.`;
  if (!/^[\x21-\x7e]+$/.test(key)) return 'The API key is plain ASCII letters, digits and punctuation (it travels in an HTTP header).';
  return null;
}

/** The key this window started a server with, and which server (its start time) it belongs to. */
export interface ServingKey {
  key: string;
  startedAt: string;
}

interface ServeKeyState {
  /** What the field holds (not yet used by a server). */
  draft: string;
  serving: ServingKey | null;
  setDraft(draft: string): void;
  setServing(serving: ServingKey | null): void;
}

/**
 * A store, not component state, so the key survives leaving the Models view while the server runs.
 * In memory only: never persisted, never sent anywhere but `serving.start`.
 */
export const useServeKey = create<ServeKeyState>((set) => ({
  draft: '',
  serving: null,
  setDraft: (draft) => set({ draft }),
  setServing: (serving) => set({ serving }),
}));

/** The key a running server needs, for its examples: null when it needs none, the placeholder when this window does not know it. */
export function keyForExamples(status: { apiKeyRequired: boolean; startedAt: string }, serving: ServingKey | null, placeholder: string): string | null {
  if (!status.apiKeyRequired) return null;
  return serving && serving.startedAt === status.startedAt ? serving.key : placeholder;
}
