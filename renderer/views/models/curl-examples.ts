/**
 * Copyable curl requests for the running reward-model API, in the shape of seed 003's examples:
 * `/score` takes {"prompt", "response"}, `/score-pair` takes {"prompt", "chosen", "rejected"}
 * (both accept an optional "image"); plus OpenRLHF's `/get_reward`, which takes whole
 * conversations already rendered by the chat template. With an API key every command sends
 * `Authorization: Bearer <key>`; without one, no auth header at all.
 */
export interface CurlExample {
  id: 'score' | 'score-pair' | 'get-reward';
  title: string;
  command: string;
}

export const SAMPLE_PROMPT = 'What color is the square?';
export const SAMPLE_CHOSEN = 'The square is red.';
export const SAMPLE_REJECTED = 'It is a circle.';

/**
 * The sample conversation as an RL trainer sends it: prompt and response rendered by the chat
 * template, special tokens as text (Qwen's ChatML here; the server reads the reward at the
 * end-of-turn token of whatever template the served model was trained with).
 */
export function renderedSample(response: string = SAMPLE_CHOSEN): string {
  return `<|im_start|>user\n${SAMPLE_PROMPT}<|im_end|>\n<|im_start|>assistant\n${response}<|im_end|>\n`;
}

/** Single quotes for the shell: a quote inside becomes '\'' so the JSON stays intact. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** `curl -s -X POST <url><path>` with the JSON body, and the bearer header only when there is a key. */
export function curlPost(baseUrl: string, path: string, body: unknown, apiKey?: string | null): string {
  const lines = [`curl -s -X POST ${endpoint(baseUrl, path)}`, `-H 'Content-Type: application/json'`];
  if (apiKey) lines.push(`-H ${shellQuote(`Authorization: Bearer ${apiKey}`)}`);
  lines.push(`-d ${shellQuote(JSON.stringify(body))}`);
  return lines.join(' \\\n  ');
}

export function curlExamples(baseUrl: string, apiKey?: string | null): CurlExample[] {
  const score = { prompt: SAMPLE_PROMPT, response: SAMPLE_CHOSEN };
  const pair = { prompt: SAMPLE_PROMPT, chosen: SAMPLE_CHOSEN, rejected: SAMPLE_REJECTED };
  const rendered = { query: [renderedSample(SAMPLE_CHOSEN)] };
  return [
    { id: 'score', title: 'Score one response', command: curlPost(baseUrl, '/score', score, apiKey) },
    { id: 'score-pair', title: 'Compare two responses', command: curlPost(baseUrl, '/score-pair', pair, apiKey) },
    { id: 'get-reward', title: 'Reward of a rendered conversation (OpenRLHF)', command: curlPost(baseUrl, '/get_reward', rendered, apiKey) },
  ];
}
