// Tray glyphs per node state, drawn on a 32-unit grid. Colour variants for Windows/Linux,
// monochrome "Template" variants for the macOS menu bar (the system tints them), so each state
// also differs by shape, not only by colour.

export const TRAY_STATES = ['stopped', 'starting', 'active', 'paused', 'degraded', 'error'];

const COLORS = {
  stopped: '#94a3b8',
  starting: '#f59e0b',
  active: '#22c55e',
  paused: '#3b82f6',
  degraded: '#f97316',
  error: '#ef4444',
};

const HEX = 'M16 3 L27 9.5 L27 22.5 L16 29 L5 22.5 L5 9.5 Z';

function mark(state, fill) {
  switch (state) {
    case 'active':
      return `<circle cx="16" cy="16" r="6" fill="${fill}"/>`;
    case 'starting':
      return `<path d="M16 10 A6 6 0 0 1 16 22 Z" fill="${fill}"/>`;
    case 'paused':
      return `<rect x="11.5" y="10" width="3" height="12" rx="1" fill="${fill}"/><rect x="17.5" y="10" width="3" height="12" rx="1" fill="${fill}"/>`;
    case 'degraded':
      return `<rect x="14.5" y="9.5" width="3" height="8" rx="1.5" fill="${fill}"/><circle cx="16" cy="21.5" r="1.8" fill="${fill}"/>`;
    case 'error':
      return `<path d="M12 12 L20 20 M20 12 L12 20" stroke="${fill}" stroke-width="3" stroke-linecap="round"/>`;
    default:
      return '';
  }
}

export function traySvg(state, { template = false } = {}) {
  const color = template ? '#000000' : COLORS[state];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">
  <path d="${HEX}" fill="none" stroke="${color}" stroke-width="3" stroke-linejoin="round"/>
  ${mark(state, color)}
</svg>`;
}
