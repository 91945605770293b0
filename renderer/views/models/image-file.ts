/** An image the person attaches (file picker, drop or paste), read into the data URL the scorer takes. */
import { formatBytes } from '../../components/format';
import type { AttachedImage } from './playground-draft';

/** 16 MiB: the contract's base64 limit (23 M characters) leaves room for the data-URL prefix. */
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export class ImageFileError extends Error {}

/** The first image among dropped or pasted files, if any. */
export function firstImageFile(files: FileList | readonly File[] | null | undefined): File | null {
  if (!files) return null;
  for (const file of Array.from(files)) if (file.type.startsWith('image/')) return file;
  return null;
}

export function readImageFile(file: File): Promise<AttachedImage> {
  if (!file.type.startsWith('image/')) {
    return Promise.reject(new ImageFileError(`${file.name || 'The file'} is not an image (${file.type || 'unknown type'}): attach a PNG, JPEG, WebP or GIF.`));
  }
  if (file.size > MAX_IMAGE_BYTES) {
    return Promise.reject(new ImageFileError(`${file.name} is ${formatBytes(file.size)}; the scorer takes images up to ${formatBytes(MAX_IMAGE_BYTES)}. Resize it and attach it again.`));
  }
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const dataUrl = typeof reader.result === 'string' ? reader.result : '';
      if (!dataUrl.startsWith('data:image/')) reject(new ImageFileError(`${file.name} could not be read as an image.`));
      else resolve({ name: file.name || 'pasted image', dataUrl, bytes: file.size, file });
    };
    reader.onerror = () => reject(new ImageFileError(`${file.name} could not be read: ${reader.error?.message ?? 'unknown error'}.`));
    reader.readAsDataURL(file);
  });
}
