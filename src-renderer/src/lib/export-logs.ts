import type { LogLineDto } from '../../../src-main/contract/index.js';

/** One line per entry, ISO timestamp first, as an operator would grep it. */
export function logsToText(lines: readonly LogLineDto[]): string {
  let out = '';
  for (const l of lines) {
    out += `${new Date(l.ts).toISOString()} ${l.level.toUpperCase().padEnd(5)} [${l.source}] ${l.message}\n`;
  }
  return out;
}

export function exportFileName(now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return `resultity-node-${stamp}.log`;
}

/** Saves text through a Blob URL and a temporary link (the CSP allows blob: navigation). */
export function downloadText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
