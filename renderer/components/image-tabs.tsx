/**
 * The thumbnails of an item's images as a tablist (Annotate's viewer and the Items detail): one
 * tab per image, the picked one selected. ARIA allows only tabs inside a tablist, so hints and
 * counters go beside it, never in it.
 */
import { useStudioClient } from '../client/client-context';
import type { ImageRef } from '../client/contract-types';

export interface ImageTabsProps {
  images: readonly ImageRef[];
  picked: number;
  onPick(index: number): void;
  className: string;
  /** Thumbnail edge in CSS pixels. */
  size: number;
  /** -1 keeps the tabs out of the Tab order (Annotate moves between images with `i`). */
  tabIndex?: number;
  lazy?: boolean;
}

export function ImageTabs({ images, picked, onPick, className, size, tabIndex, lazy }: ImageTabsProps) {
  const client = useStudioClient();
  return (
    <div className={className} role="tablist" aria-label="Images">
      {images.map((image, index) => (
        <button
          key={`${image.sha256}-${index}`}
          type="button"
          role="tab"
          tabIndex={tabIndex}
          aria-selected={index === picked}
          className={index === picked ? 'strip-thumb selected' : 'strip-thumb'}
          onClick={() => onPick(index)}
        >
          <img src={client.mediaUrl(image.relPath)} alt={`Image ${index + 1}`} width={size} height={size} loading={lazy ? 'lazy' : undefined} />
        </button>
      ))}
    </div>
  );
}
