/**
 * Where an imported image may live (#13; FORMATS.md "Images", README "Formats"): a relative path is
 * resolved from the data file's folder and may not climb out of it with `../` (a downloaded dataset
 * cannot pull in files from elsewhere on the disk by accident); an absolute path is the person's
 * own file naming their image store (as LLaMA-Factory and ms-swift files often do) and is imported.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import { writePng as writePngFile } from '../fixtures/images';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

/** writePng, making its folder first. */
async function writePng(path: string, width: number, height: number, colour?: { r: number; g: number; b: number }): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await writePngFile(path, width, height, colour);
}

function newProject(): ProjectStore {
  return ProjectStore.create(join(tempDir(), 'project'), { name: 'Image paths' });
}

/** A LLaMA-Factory sharegpt ranking row naming one image. */
const sharegpt = (image: string) => ({
  conversations: [{ from: 'human', value: `<image>What colour is ${image}?` }],
  chosen: { from: 'gpt', value: 'Red.' },
  rejected: { from: 'gpt', value: 'Blue.' },
  images: [image],
});

/** An ms-swift RM row naming one image. */
const swift = (image: string) => ({
  messages: [
    { role: 'user', content: `<image>What colour is ${image}?` },
    { role: 'assistant', content: 'Red.' },
  ],
  rejected_response: 'Blue.',
  images: [image],
});

describe('image paths at import', () => {
  it('imports absolute paths to an image store outside the data folder (LLaMA-Factory and ms-swift)', async () => {
    const store = newProject();
    const imageStore = join(tempDir(), 'image-store');
    await writePng(join(imageStore, 'a.png'), 8, 8);
    await writePng(join(imageStore, 'b.png'), 8, 8, { r: 10, g: 200, b: 10 });
    const dataDir = tempDir();
    writeJsonl(join(dataDir, 'lf.jsonl'), [sharegpt(join(imageStore, 'a.png'))]);
    writeJsonl(join(dataDir, 'swift.jsonl'), [swift(join(imageStore, 'b.png'))]);
    expect(await importDataset(store, join(dataDir, 'lf.jsonl'), { format: 'llamafactory-sharegpt' })).toMatchObject({ added: 1, imagesAdded: 1, errorCount: 0 });
    expect(await importDataset(store, join(dataDir, 'swift.jsonl'), { format: 'ms-swift' })).toMatchObject({ added: 1, imagesAdded: 1, errorCount: 0 });
    store.close();
  });

  it('refuses a relative path that climbs out of the data folder, saying how to fix it', async () => {
    const store = newProject();
    const root = tempDir();
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    await writePng(join(root, 'outside.png'), 8, 8);
    writeJsonl(join(dataDir, 'lf.jsonl'), [sharegpt('../outside.png'), sharegpt('images/../../outside.png')]);
    const report = await importDataset(store, join(dataDir, 'lf.jsonl'), { format: 'llamafactory-sharegpt' });
    expect(report).toMatchObject({ added: 0, errorCount: 2 });
    expect(report.errors[0]?.reason).toBe(
      `image path "../outside.png" escapes the data folder ${dataDir}; move the image into that folder (or a subfolder) and fix the path`,
    );
    store.close();
  });

  it('accepts relative paths that stay inside, also through a folder whose name starts with ".."', async () => {
    const store = newProject();
    const dataDir = tempDir();
    await writePng(join(dataDir, '..cache', 'a.png'), 8, 8);
    await writePng(join(dataDir, 'images', 'b.png'), 8, 8, { r: 10, g: 10, b: 200 });
    writeJsonl(join(dataDir, 'swift.jsonl'), [swift('..cache/a.png'), swift('images/sub/../b.png')]);
    expect(await importDataset(store, join(dataDir, 'swift.jsonl'), { format: 'ms-swift' })).toMatchObject({ added: 2, imagesAdded: 2, errorCount: 0 });
    store.close();
  });
});
