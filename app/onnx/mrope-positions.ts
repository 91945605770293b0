/**
 * Qwen2-VL's multimodal rotary positions (get_rope_index) for one row holding at most one image:
 * text tokens count up on all three axes; the image's merged tokens take (t, h, w) = start +
 * (0, row, column) over the merged grid; text after the image resumes at start + max(grid h, grid w).
 */

/** [3][length] positions: temporal, height, width. */
export function mropePositions(ids: readonly number[], imageTokenId: number, gridThw: readonly [number, number, number], mergeSize: number): Int32Array[] {
  const n = ids.length;
  const axes = [new Int32Array(n), new Int32Array(n), new Int32Array(n)] as const;
  const gridH = gridThw[1] / mergeSize;
  const gridW = gridThw[2] / mergeSize;
  let current = 0;
  let i = 0;
  while (i < n) {
    if (ids[i] !== imageTokenId) {
      for (const axis of axes) axis[i] = current;
      current += 1;
      i += 1;
      continue;
    }
    let k = 0; // the image's tokens: gridThw[0] frames of gridH x gridW merged patches, row-major
    for (; i < n && ids[i] === imageTokenId; i += 1, k += 1) {
      const plane = gridH * gridW;
      axes[0][i] = current + Math.floor(k / plane);
      axes[1][i] = current + Math.floor((k % plane) / gridW);
      axes[2][i] = current + (k % gridW);
    }
    current += Math.max(gridH, gridW);
  }
  return [...axes];
}
