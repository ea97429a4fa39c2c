import { useEffect } from 'react';
import { useSettingsStore } from '../stores/settings-store.js';

/** Pins the theme on <html> from the setting; "system" follows prefers-color-scheme. */
export function useTheme(): void {
  const theme = useSettingsStore((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}
