/**
 * The playground's image slot: a preview with Remove, or a drop zone that also opens the file
 * picker. Pasting an image anywhere in the playground lands here too (the panel forwards it).
 */
import { useRef, useState } from 'react';
import { formatBytes } from '../../components/format';
import { firstImageFile } from './image-file';
import type { AttachedImage } from './playground-draft';

export interface ImageAttachProps {
  image: AttachedImage | null;
  onFile(file: File): void;
  onRemove(): void;
}

export function ImageAttach({ image, onFile, onRemove }: ImageAttachProps) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const picker = (
    <input
      ref={input}
      type="file"
      accept="image/*"
      hidden
      data-testid="playground-image-input"
      onChange={(event) => {
        const file = firstImageFile(event.target.files) ?? event.target.files?.[0] ?? null;
        if (file) onFile(file);
        // The same file chosen twice must fire again.
        event.target.value = '';
      }}
    />
  );

  if (image) {
    return (
      <div className="pg-image" data-testid="playground-image">
        {picker}
        <img src={image.dataUrl} alt={`Attached: ${image.name}`} className="pg-image-preview" data-testid="playground-image-preview" />
        <div className="pg-image-meta">
          <span className="small pg-image-name" title={image.name}>
            {image.name}
          </span>
          <span className="small muted pg-image-size">{formatBytes(image.bytes)}</span>
          <button type="button" className="button small" onClick={() => input.current?.click()}>
            Replace…
          </button>
          <button type="button" className="button small" onClick={onRemove} data-testid="playground-image-remove">
            Remove
          </button>
        </div>
      </div>
    );
  }

  return (
    <button
      type="button"
      className={dragging ? 'pg-dropzone dragging' : 'pg-dropzone'}
      data-testid="playground-dropzone"
      onClick={() => input.current?.click()}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        const file = firstImageFile(event.dataTransfer.files) ?? event.dataTransfer.files[0] ?? null;
        if (file) onFile(file);
      }}
    >
      {picker}
      <svg width="18" height="18" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4" aria-hidden="true">
        <rect x="2" y="3" width="12" height="10" rx="1.5" />
        <circle cx="6" cy="6.6" r="1.2" />
        <path d="m2.5 12 3.6-3.4 2.4 2.2 2-1.6 3 2.8" />
      </svg>
      <span>
        <strong>Attach an image</strong> <span className="muted">— drop it here, click to choose, or paste with Ctrl+V</span>
      </span>
      <span className="small muted">Optional: text-only queries are scored without one.</span>
    </button>
  );
}
