/**
 * The item's images, large. The frame has a fixed height and each <img> its intrinsic size, so
 * switching items never shifts the responses below. Several images: a strip to pick one.
 */
import { useState } from 'react';
import { ImageTabs } from '../../components/image-tabs';
import { useStudioClient } from '../../client/client-context';
import type { ImageRef } from '../../client/contract-types';

export function ItemImages({ images }: { images: ImageRef[] }) {
  const client = useStudioClient();
  const [picked, setPicked] = useState(0);
  const current = images[Math.min(picked, images.length - 1)];
  if (!current) {
    return (
      <div className="image-frame empty" data-testid="detail-no-image">
        Text-only item: no image.
      </div>
    );
  }
  return (
    <div className="item-images">
      <div className="image-frame">
        <img
          key={current.sha256}
          src={client.mediaUrl(current.relPath)}
          alt={`Image ${Math.min(picked, images.length - 1) + 1} of ${images.length}`}
          width={current.width}
          height={current.height}
          decoding="async"
          draggable={false}
          data-testid="detail-image"
        />
        <span className="image-info mono">
          {current.width}×{current.height} · {current.format}
        </span>
      </div>
      {images.length > 1 && (
        <ImageTabs images={images} picked={picked} onPick={setPicked} className="image-strip" size={48} lazy />
      )}
    </div>
  );
}
