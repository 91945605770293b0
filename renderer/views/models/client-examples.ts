/**
 * Ready-to-paste examples of the running reward-model API for each client the server speaks
 * (app/serving/rl-client-endpoints.ts): curl, OpenRLHF, verl, vLLM-style Python, text-embeddings-
 * inference and LLaMA-Factory. Pure: the URL, the served model name and the API key in, text out.
 * With a key every example sends `Authorization: Bearer <key>`; without one, no auth at all.
 */
import { curlExamples, curlPost, renderedSample, SAMPLE_CHOSEN, SAMPLE_PROMPT } from './curl-examples';

export type ClientId = 'curl' | 'openrlhf' | 'verl' | 'vllm' | 'tei' | 'llamafactory';

export interface ClientSnippet {
  /** Unique over every client (the panel's test ids). */
  id: string;
  title: string;
  language: 'shell' | 'python' | 'yaml' | 'flag';
  text: string;
}

export interface ClientExample {
  id: ClientId;
  label: string;
  /** One or two sentences on how the client talks to the server. */
  notes: string[];
  snippets: ClientSnippet[];
}

export interface ClientExampleOptions {
  /** The server's base URL as the status reports it. */
  url: string;
  /** The name `GET /v1/models` reports (what vLLM-style clients put in `model`). */
  model: string;
  /** The key every request must carry, or null when the server needs none. */
  apiKey: string | null;
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A Python string literal: JSON's escapes are Python's for printable text. */
function py(text: string): string {
  return JSON.stringify(text);
}

/** The `API_KEY` and `HEADERS` lines and the `headers=HEADERS` argument, or nothing without a key. */
function pythonAuth(apiKey: string | null): { define: string[]; argument: string } {
  if (!apiKey) return { define: [], argument: '' };
  return { define: [`API_KEY = ${py(apiKey)}`, 'HEADERS = {"Authorization": f"Bearer {API_KEY}"}'], argument: ', headers=HEADERS' };
}

function curlClient({ url, apiKey }: ClientExampleOptions): ClientExample {
  return {
    id: 'curl',
    label: 'curl',
    notes: ['Seed 003’s requests, and /get_reward with a conversation the chat template rendered. Also POST /score-batch for many at once.'],
    snippets: curlExamples(url, apiKey).map((example) => ({ id: example.id, title: example.title, language: 'shell', text: example.command })),
  };
}

function openRlhfClient({ url, apiKey }: ClientExampleOptions): ClientExample {
  const getReward = `${base(url)}/get_reward`;
  const notes = [
    'OpenRLHF sends each prompt + response as one text with the chat template applied; the server reads the reward at the end-of-turn token of that templated text, as in training.',
  ];
  const snippets: ClientSnippet[] = [
    { id: 'openrlhf-flag', title: 'train_ppo_ray flag (older versions: --remote_rm_url)', language: 'flag', text: `--reward.remote_url ${getReward}` },
  ];
  if (apiKey) {
    const auth = pythonAuth(apiKey);
    notes.push('OpenRLHF’s own request sends no Authorization header: with a key, give the flag this file instead (--reward.remote_url studio_reward.py).');
    snippets.push({
      id: 'openrlhf-func',
      title: 'studio_reward.py',
      language: 'python',
      text: [
        'import requests',
        'import torch',
        '',
        `URL = ${py(getReward)}`,
        ...auth.define,
        '',
        '',
        'def reward_func(queries, prompts, labels, **kwargs):',
        '    response = requests.post(',
        `        URL, json={"query": queries}${auth.argument}, timeout=600`,
        '    )',
        '    response.raise_for_status()',
        '    rewards = torch.tensor(response.json()["rewards"])',
        '    return {"rewards": rewards, "scores": rewards}',
        '',
      ].join('\n'),
    });
  }
  return { id: 'openrlhf', label: 'OpenRLHF', notes, snippets };
}

function verlClient({ url, model, apiKey }: ClientExampleOptions): ClientExample {
  const auth = pythonAuth(apiKey);
  return {
    id: 'verl',
    label: 'verl',
    notes: [
      'verl scores a discriminative reward model through vLLM’s POST /classify with "activation": false (the raw reward) — the endpoint this server answers. verl starts that vLLM server itself from reward_model.model_path and has no setting for an outside URL, so a custom reward function sends the request here.',
      'The reward function sees only the response: put each prompt in the dataset’s extra_info (here extra_info["question"]). Older verl: the same keys without the top-level reward: section.',
    ],
    snippets: [
      {
        id: 'verl-config',
        title: 'Trainer config (YAML)',
        language: 'yaml',
        text: [
          'reward:',
          '  custom_reward_function:',
          '    path: studio_reward.py',
          '    name: compute_score',
          '  reward_model:',
          '    enable: false',
          '',
        ].join('\n'),
      },
      {
        id: 'verl-func',
        title: 'studio_reward.py',
        language: 'python',
        text: [
          'import requests',
          '',
          `URL = ${py(`${base(url)}/classify`)}`,
          ...auth.define,
          '',
          '',
          'def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):',
          '    messages = [',
          '        {"role": "user", "content": extra_info["question"]},',
          '        {"role": "assistant", "content": solution_str},',
          '    ]',
          '    body = {',
          `        "model": ${py(model)},`,
          '        "messages": messages,',
          '        "activation": False,  # the raw reward, as verl asks vLLM',
          '    }',
          `    response = requests.post(URL, json=body${auth.argument}, timeout=600)`,
          '    response.raise_for_status()',
          '    return response.json()["data"][0]["probs"][0]',
          '',
        ].join('\n'),
      },
    ],
  };
}

function vllmClient({ url, model, apiKey }: ClientExampleOptions): ClientExample {
  const headers = apiKey ? [`api_key = ${py(apiKey)}`, 'headers = {"Authorization": f"Bearer {api_key}"}'] : [];
  return {
    id: 'vllm',
    label: 'vLLM',
    notes: [
      'vLLM’s /classify (also /v1/classify, /pooling and GET /v1/models): "input" is the text with the chat template applied, or send "messages" ending with the assistant response. "use_activation": false gives the raw reward; leave it out for its sigmoid.',
    ],
    snippets: [
      {
        id: 'vllm-classify',
        title: 'Python (requests)',
        language: 'python',
        text: [
          'import requests',
          '',
          `url = ${py(base(url))}`,
          ...headers,
          `texts = [${py(renderedSample(SAMPLE_CHOSEN))}]`,
          'response = requests.post(',
          '    f"{url}/classify",',
          `    json={"model": ${py(model)}, "input": texts, "use_activation": False},`,
          ...(apiKey ? ['    headers=headers,'] : []),
          '    timeout=600,',
          ')',
          'response.raise_for_status()',
          'rewards = [item["probs"][0] for item in response.json()["data"]]',
          '',
        ].join('\n'),
      },
    ],
  };
}

function teiClient({ url, apiKey }: ClientExampleOptions): ClientExample {
  return {
    id: 'tei',
    label: 'TEI',
    notes: ['text-embeddings-inference’s /predict: a rendered text, a [prompt, response] pair, or a batch of either; "raw_scores": true gives the raw reward.'],
    snippets: [
      { id: 'tei-predict', title: 'POST /predict', language: 'shell', text: curlPost(url, '/predict', { inputs: renderedSample(SAMPLE_CHOSEN), raw_scores: true }, apiKey) },
      { id: 'tei-pair', title: 'A prompt and a response (the server applies the chat template)', language: 'shell', text: curlPost(url, '/predict', { inputs: [SAMPLE_PROMPT, SAMPLE_CHOSEN], raw_scores: true }, apiKey) },
    ],
  };
}

function llamaFactoryClient({ url, model, apiKey }: ClientExampleOptions): ClientExample {
  return {
    id: 'llamafactory',
    label: 'LLaMA-Factory',
    notes: ['LLaMA-Factory’s reward-model API: "messages" holds whole texts with the chat template applied; the answer’s "scores" are raw rewards.'],
    snippets: [
      { id: 'llamafactory-score', title: 'POST /v1/score/evaluation', language: 'shell', text: curlPost(url, '/v1/score/evaluation', { model, messages: [renderedSample(SAMPLE_CHOSEN)] }, apiKey) },
    ],
  };
}

export function clientExamples(options: ClientExampleOptions): ClientExample[] {
  return [curlClient(options), openRlhfClient(options), verlClient(options), vllmClient(options), teiClient(options), llamaFactoryClient(options)];
}
