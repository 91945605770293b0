/**
 * In a browser the playground's image goes to `serve` as an upload (POST /upload), and
 * `scoring.score` names the uploaded file: a 16 MiB image is ~22 M base64 characters, more than one
 * WebSocket frame may carry. The desktop app's IPC has no such limit and sends the data URL.
 * One upload per attached image: scoring the same image again (new responses, another model)
 * reuses the file already on the server.
 */
import type { ScoreInput } from '../../client/contract-types';
import { uploadFile } from '../../client/upload-file';
import type { AttachedImage } from './playground-draft';

const uploaded = new WeakMap<AttachedImage, Promise<string>>();

export async function withUploadedImage(input: ScoreInput, image: AttachedImage): Promise<ScoreInput> {
  let pending = uploaded.get(image);
  if (!pending) {
    pending = uploadFile(image.file).then((reply) => {
      if (!reply.path) throw new Error(`${image.name} was not stored as one file by the studio.`);
      return reply.path;
    });
    // A failed upload is tried again on the next Score.
    pending.catch(() => uploaded.delete(image));
    uploaded.set(image, pending);
  }
  return { ...input, image: null, imageFile: await pending };
}
