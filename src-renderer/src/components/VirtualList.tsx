import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { isAtBottom, visibleWindow } from '../lib/virtual-window.js';

interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ReactNode;
  /** Keep the newest row in view as rows arrive. */
  follow: boolean;
  /** Called when the operator scrolls away from the bottom (false) or back to it (true). */
  onFollowChange: (follow: boolean) => void;
  label: string;
  /** Changes whenever the rows' content changes (the list re-renders its window). */
  version: number;
  /** Stays at the top while the rows scroll under it (a table's column headings). */
  header?: ReactNode;
  className?: string;
  testId?: string;
}

/**
 * A fixed-row-height virtual list: only the rows in view (plus a few) are in the DOM, so 100,000
 * lines scroll as smoothly as 100. The container is focusable: arrows, Page Up/Down, Home/End.
 */
export function VirtualList({
  count,
  rowHeight,
  renderRow,
  follow,
  onFollowChange,
  label,
  version,
  header,
  className,
  testId,
}: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const programmatic = useRef(-1);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Not laid out yet (0 px): render a first screenful rather than nothing.
    const measure = () => setHeight(el.clientHeight || 400);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !follow) return;
    const bottom = Math.max(0, count * rowHeight - el.clientHeight);
    if (Math.abs(el.scrollTop - bottom) > 1) {
      programmatic.current = bottom;
      el.scrollTop = bottom;
    }
    setScrollTop(el.scrollTop);
  }, [follow, count, rowHeight, version, height]);

  useEffect(() => {
    programmatic.current = -1;
  }, [follow]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const top = el.scrollTop;
    setScrollTop(top);
    if (Math.abs(top - programmatic.current) <= 1) return;
    programmatic.current = -1;
    const atBottom = isAtBottom(top, el.clientHeight, count * rowHeight, rowHeight);
    if (follow !== atBottom) onFollowChange(atBottom);
  };

  const win = visibleWindow(scrollTop, height, rowHeight, count);
  const rows: ReactNode[] = [];
  for (let i = win.start; i < win.end; i++) rows.push(renderRow(i));

  return (
    <div
      ref={ref}
      className={className ? `vlist ${className}` : 'vlist'}
      tabIndex={0}
      role="region"
      aria-label={label}
      onScroll={onScroll}
      data-testid={testId}
    >
      {header}
      <div className="vlist-content" style={{ height: win.totalHeight }}>
        <div className="vlist-window" style={{ transform: `translateY(${win.offsetTop}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
