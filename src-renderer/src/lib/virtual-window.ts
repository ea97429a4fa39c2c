/** Which rows of a fixed-row-height list are visible, plus a small overscan on each side. */
export interface VisibleWindow {
  /** First row to render (inclusive). */
  start: number;
  /** Last row to render (exclusive). */
  end: number;
  /** Pixel offset of `start` from the top of the scroll content. */
  offsetTop: number;
  /** Height of the whole scroll content. */
  totalHeight: number;
}

export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): VisibleWindow {
  const totalHeight = Math.max(0, count * rowHeight);
  if (count <= 0 || rowHeight <= 0 || viewportHeight <= 0) {
    return { start: 0, end: Math.min(count, 0), offsetTop: 0, totalHeight };
  }
  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** True when the viewport sits at (or within a row of) the bottom: following stays on. */
export function isAtBottom(
  scrollTop: number,
  viewportHeight: number,
  totalHeight: number,
  slack: number,
): boolean {
  return totalHeight - (scrollTop + viewportHeight) <= slack;
}
