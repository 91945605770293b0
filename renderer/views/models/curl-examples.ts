/**
 * Copyable requests for the running reward-model API, in the shape of seed 003's examples:
 * `/score` takes {"prompt", "response"}, `/score-pair` takes {"prompt", "chosen", "rejected"}
 * (both accept an optional "image").
 */
export interface CurlExample {
  id: 'score' | 'score-pair';
  title: string;
  command: string;
}

/** Single quotes for the shell: a quote inside becomes '\'' so the JSON stays intact. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

export function curlExamples(baseUrl: string): CurlExample[] {
  const score = { prompt: 'What color is the square?', response: 'The square is red.' };
  const pair = { prompt: 'What color is the square?', chosen: 'The square is red.', rejected: 'It is a circle.' };
  const command = (path: string, body: unknown) =>
    `curl -s -X POST ${endpoint(baseUrl, path)} \\\n  -H 'Content-Type: application/json' \\\n  -d ${shellQuote(JSON.stringify(body))}`;
  return [
    { id: 'score', title: 'Score one response', command: command('/score', score) },
    { id: 'score-pair', title: 'Compare two responses', command: command('/score-pair', pair) },
  ];
}
