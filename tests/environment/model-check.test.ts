/**
 * The model picker's check reads a user-chosen folder synchronously: a config.json that is a FIFO
 * used to block the whole studio until something wrote to it (#13). It must say what is wrong
 * without opening it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkModelFolder } from '../../app/environment/model-check';
import { tempDir } from '../fixtures/temp-dirs';

const writers: ChildProcess[] = [];
afterEach(() => {
  for (const child of writers.splice(0)) child.kill('SIGKILL');
});

describe('checkModelFolder', () => {
  it('refuses a config.json that is not a regular file without reading it', () => {
    const dir = path.join(tempDir(), 'model');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'model.safetensors'), '');
    writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    const config = path.join(dir, 'config.json');
    execFileSync('mkfifo', [config]);
    // Opening the FIFO first would wait for this writer, then read a valid config.
    writers.push(spawn('sh', ['-c', `sleep 1; echo '{"model_type": "qwen2"}' > "$0"`, config], { stdio: 'ignore' }));
    const started = Date.now();
    const check = checkModelFolder(dir);
    expect(Date.now() - started).toBeLessThan(500);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([`${config} is not a regular file (a folder, pipe, socket or device). Replace it with the model's real config.json.`]);
  });

  it('refuses a config.json that is a folder', () => {
    const dir = path.join(tempDir(), 'model');
    mkdirSync(path.join(dir, 'config.json'), { recursive: true });
    expect(checkModelFolder(dir).problems[0]).toMatch(/config\.json is not a regular file/);
  });
});
