/**
 * A local HTTP server that records every request and answers `{"ok":true}`: the copyable examples
 * are run for real (bash + curl, python3) against it, and the tests read what actually arrived.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  type: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

export interface RecordingServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Everything received so far, in arrival order (tests clear it with `received.length = 0`). */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', path: request.url ?? '', type: request.headers['content-type'], authorization: request.headers.authorization, body: JSON.parse(body) as unknown });
      response.setHeader('Content-Type', 'application/json');
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
