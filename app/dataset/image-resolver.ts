import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { StudioError } from '../errors';
import { addImageBytes, addImageFile, sha256Hex, type StoredImage } from '../media/media-store';
import { ensureThumbnail } from '../media/thumbnails';
import { RowError, type ImageSource } from './parsed-row';

type Resolution = { ok: true; image: StoredImage } | { ok: false; reason: string };

/**
 * Where resolved images go: a project's media folder (import), or beside a converted file
 * (convert-dataset.ts). Both throw a StudioError saying what is wrong with an image.
 */
export interface ImageStore {
  /** An image file a row names (it exists; relative paths are already checked to stay inside). */
  addFile(full: string, label: string): Promise<StoredImage>;
  /** Image bytes embedded in a row (Parquet, HF-datasets structs). */
  addBytes(bytes: Uint8Array, label: string): Promise<StoredImage>;
  /** The list thumbnail for an item's first image, when the store keeps them. */
  thumbnail?(image: StoredImage): Promise<void>;
}

/** A project's content-addressed media folder, with list thumbnails. */
export function projectImageStore(projectDir: string): ImageStore {
  return {
    addFile: (full, label) => addImageFile(projectDir, full, label),
    addBytes: (bytes, label) => addImageBytes(projectDir, bytes, label),
    thumbnail: async (image) => {
      await ensureThumbnail(projectDir, image.sha256, image.ext);
    },
  };
}

/**
 * Turns the image references of rows into stored images (the project's media, or files beside a
 * converted file: see ImageStore), once per distinct file.
 *
 * Path rules: a relative path is resolved from the data file's folder and must stay inside it
 * (`../` escapes are refused, so a downloaded dataset cannot pull in files from elsewhere on the
 * disk by accident). Absolute paths are accepted: the person's own file names them on purpose —
 * LLaMA-Factory and ms-swift files often point at a shared image store elsewhere on disk, and the
 * studio's own exports ("absolute" image mode) and training snapshots write them too.
 *
 * Results (including failures) are cached by path and by file identity (device, inode, size,
 * mtime), so 100k rows sharing 100 images read and hash each image once.
 */
export class ImageResolver {
  private readonly byPath = new Map<string, Promise<Resolution>>();
  private readonly byIdentity = new Map<string, Promise<Resolution>>();
  private readonly byContent = new Map<string, Promise<Resolution>>();
  private readonly thumbnails = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ImageStore,
    private readonly dataDir: string,
  ) {}

  /** Stores the image and returns it, or throws a RowError saying what is wrong with it. */
  async resolve(source: ImageSource): Promise<StoredImage> {
    const resolution = source.kind === 'path' ? await this.fromPath(source.path) : await this.fromBytes(source.bytes, source.label);
    if (!resolution.ok) throw new RowError(resolution.reason);
    return resolution.image;
  }

  /** Makes the list thumbnail for an item's first image; a failure only means it is made later on demand. */
  async thumbnail(image: StoredImage): Promise<void> {
    if (this.store.thumbnail === undefined) return;
    let pending = this.thumbnails.get(image.sha256);
    if (pending === undefined) {
      pending = this.store.thumbnail(image).then(
        () => undefined,
        () => undefined,
      );
      this.thumbnails.set(image.sha256, pending);
    }
    await pending;
  }

  private fromPath(written: string): Promise<Resolution> {
    const full = isAbsolute(written) ? resolve(written) : resolve(this.dataDir, written);
    let pending = this.byPath.get(full);
    if (pending === undefined) {
      pending = this.loadPath(written, full);
      this.byPath.set(full, pending);
    }
    return pending;
  }

  private async loadPath(written: string, full: string): Promise<Resolution> {
    if (!isAbsolute(written) && !staysInside(this.dataDir, full)) {
      return {
        ok: false,
        reason: `image path "${written}" escapes the data folder ${this.dataDir}; move the image into that folder (or a subfolder) and fix the path`,
      };
    }
    let identity: string;
    try {
      const info = await stat(full);
      identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch {
      return {
        ok: false,
        reason: `image not found at ${full}; check the path (relative paths are resolved from the data file's folder)`,
      };
    }
    let pending = this.byIdentity.get(identity);
    if (pending === undefined) {
      pending = settle(this.store.addFile(full, `image "${written}"`));
      this.byIdentity.set(identity, pending);
    }
    return pending;
  }

  private fromBytes(bytes: Uint8Array, label: string): Promise<Resolution> {
    const key = sha256Hex(bytes);
    let pending = this.byContent.get(key);
    if (pending === undefined) {
      pending = settle(this.store.addBytes(bytes, label));
      this.byContent.set(key, pending);
    }
    return pending;
  }
}

async function settle(work: Promise<StoredImage>): Promise<Resolution> {
  try {
    return { ok: true, image: await work };
  } catch (error) {
    if (error instanceof StudioError) return { ok: false, reason: withHint(error) };
    throw error;
  }
}

/** Row errors are one line, so the hint (what to do) joins the message. */
function withHint(error: StudioError): string {
  if (error.hint === undefined) return error.message;
  const hint = error.hint.replace(/\.$/, '');
  return `${error.message}; ${hint.charAt(0).toLowerCase()}${hint.slice(1)}`;
}

/**
 * True when `full` lies in `dir` or below. Compares whole path segments: a folder named `..cache`
 * inside the data folder is inside, only a `..` segment climbs out.
 */
function staysInside(dir: string, full: string): boolean {
  const inside = relative(dir, full);
  return !isAbsolute(inside) && inside !== '..' && !inside.startsWith(`..${sep}`);
}
