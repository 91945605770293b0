/**
 * The item's image, large, in a frame of fixed size (the layout never moves between items).
 * Zoom with the wheel (around the pointer) or +/-, pan by dragging, 0 fits again; several images:
 * a strip of thumbnails and `i` for the next. The <img> decodes synchronously because the
 * session already decoded it ahead of time: an async decode could paint one frame without it.
 */
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useStudioClient } from '../../client/client-context';
import { ImageTabs } from '../../components/image-tabs';
import type { ImageRef } from '../../client/contract-types';

const MIN_SCALE = 1;
const MAX_SCALE = 12;
const KEY_ZOOM_STEP = 1.25;

export interface ImageViewerHandle {
  zoomIn(): void;
  zoomOut(): void;
  reset(): void;
  nextImage(): void;
  /** Show the item's image at this index (a click on an image inline in the conversation). */
  showImage(index: number): void;
  /** The <img> on screen, for "is it decoded yet" checks. */
  element(): HTMLImageElement | null;
}

interface View {
  scale: number;
  x: number;
  y: number;
}

const FIT: View = { scale: 1, x: 0, y: 0 };

export interface ImageViewerProps {
  itemId: string;
  images: ImageRef[];
  ref?: Ref<ImageViewerHandle>;
}

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

export function ImageViewer({ itemId, images, ref }: ImageViewerProps) {
  const client = useStudioClient();
  const [picked, setPicked] = useState(0);
  const [view, setView] = useState<View>(FIT);
  const frame = useRef<HTMLDivElement>(null);
  const image = useRef<HTMLImageElement>(null);
  const drag = useRef<{ pointerId: number; startX: number; startY: number; from: View } | null>(null);
  const [broken, setBroken] = useState<string | null>(null);

  // A new item starts fitted, on its first image.
  useEffect(() => {
    setPicked(0);
    setView(FIT);
    setBroken(null);
  }, [itemId]);

  const index = Math.min(picked, Math.max(0, images.length - 1));
  const current = images[index];

  function zoomAround(factor: number, clientX?: number, clientY?: number): void {
    setView((previous) => {
      const scale = clampScale(previous.scale * factor);
      if (scale === MIN_SCALE) return FIT;
      const rect = frame.current?.getBoundingClientRect();
      if (!rect || clientX === undefined || clientY === undefined) {
        const applied = scale / previous.scale;
        return { scale, x: previous.x * applied, y: previous.y * applied };
      }
      // Keep the point under the pointer where it is: offsets are from the frame's centre.
      const px = clientX - rect.left - rect.width / 2;
      const py = clientY - rect.top - rect.height / 2;
      const applied = scale / previous.scale;
      return { scale, x: px - (px - previous.x) * applied, y: py - (py - previous.y) * applied };
    });
  }

  useImperativeHandle(
    ref,
    () => ({
      zoomIn: () => zoomAround(KEY_ZOOM_STEP),
      zoomOut: () => zoomAround(1 / KEY_ZOOM_STEP),
      reset: () => setView(FIT),
      nextImage: () => {
        if (images.length > 1) {
          setPicked((value) => (value + 1) % images.length);
          setView(FIT);
        }
      },
      showImage: (position: number) => {
        if (position >= 0 && position < images.length) {
          setPicked(position);
          setView(FIT);
        }
      },
      element: () => image.current,
    }),
    [images.length],
  );

  // React's onWheel is passive; a non-passive listener is needed to stop the page from scrolling.
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    function onWheel(event: WheelEvent): void {
      event.preventDefault();
      zoomAround(Math.exp(-event.deltaY * 0.0015), event.clientX, event.clientY);
    }
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, []);

  if (!current) {
    return (
      <div className="annotate-image-frame empty" data-testid="annotate-no-image">
        Text-only item: no image.
      </div>
    );
  }

  const url = client.mediaUrl(current.relPath);
  return (
    <div className="annotate-images">
      <div
        ref={frame}
        className={view.scale > 1 ? 'annotate-image-frame zoomed' : 'annotate-image-frame'}
        data-testid="annotate-image-frame"
        onPointerDown={(event) => {
          if (event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          drag.current = { pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, from: view };
        }}
        onPointerMove={(event) => {
          const active = drag.current;
          if (!active || active.pointerId !== event.pointerId) return;
          setView({ ...active.from, x: active.from.x + event.clientX - active.startX, y: active.from.y + event.clientY - active.startY });
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
        onDoubleClick={() => setView(FIT)}
      >
        {broken === url ? (
          <span className="muted small">The image could not be loaded ({current.relPath}). Check the project’s media folder.</span>
        ) : (
          <img
            ref={image}
            key={url}
            src={url}
            alt={`Image ${index + 1} of ${images.length}`}
            width={current.width}
            height={current.height}
            decoding="sync"
            draggable={false}
            data-testid="annotate-image"
            style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
            onError={() => setBroken(url)}
          />
        )}
        <span className="image-info mono">
          {current.width}×{current.height}
          {view.scale > 1 ? ` · ${Math.round(view.scale * 100)}%` : ''}
        </span>
      </div>
      <div className="annotate-image-strip">
        {images.length <= 1 && (
          <span className="small muted image-hint">
            Wheel or <kbd>+</kbd>/<kbd>-</kbd> to zoom · drag to pan · <kbd>0</kbd> to fit
          </span>
        )}
        {/* The tablist holds only its tabs (ARIA allows no other children), so the hints sit beside it. */}
        {images.length > 1 && (
          <ImageTabs
            images={images}
            picked={index}
            className="strip-tabs"
            size={40}
            tabIndex={-1}
            onPick={(position) => {
              setPicked(position);
              setView(FIT);
            }}
          />
        )}
        {images.length > 1 && (
          <span className="small muted image-hint">
            {index + 1} of {images.length} · <kbd>i</kbd> next image
          </span>
        )}
      </div>
    </div>
  );
}
