import type { IconName } from '../components/Icon.js';

export const ROUTES = [
  { id: 'overview', label: 'Overview', icon: 'overview' },
  { id: 'gpu', label: 'GPU', icon: 'gpu' },
  { id: 'models', label: 'Models', icon: 'models' },
  { id: 'jobs', label: 'Jobs', icon: 'jobs' },
  { id: 'logs', label: 'Logs', icon: 'logs' },
  { id: 'setup', label: 'Setup check', icon: 'setup' },
  { id: 'settings', label: 'Settings', icon: 'settings' },
] as const satisfies readonly { id: string; label: string; icon: IconName }[];

export type RouteId = (typeof ROUTES)[number]['id'];

/** "#/logs" → "logs"; anything unknown (including a token fragment) → "overview". */
export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[?/&=]/)[0] ?? '';
  return ROUTES.find((r) => r.id === id)?.id ?? 'overview';
}

export function hrefFor(id: RouteId): string {
  return `#/${id}`;
}
