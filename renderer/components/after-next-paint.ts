/**
 * "The item became visible": a requestAnimationFrame callback runs just before the browser paints
 * the frame, and a message posted from it is delivered after that paint. Used for the time per
 * judgment (from paint to decision) and for the latency probe the benchmark reads.
 */
export function afterNextPaint(callback: (paintedAt: number) => void): () => void {
  let cancelled = false;
  const frame = requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      if (!cancelled) callback(performance.now());
    };
    channel.port2.postMessage(null);
  });
  return () => {
    cancelled = true;
    cancelAnimationFrame(frame);
  };
}
