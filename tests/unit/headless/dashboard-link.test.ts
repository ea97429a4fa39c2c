// The dashboard link: kept in a 0600 file; its token printed only to a terminal.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseDashboardLink,
  readSavedAccess,
  withoutToken,
  writeDashboardLink,
} from '../../../src-main/headless/dashboard/link-file.js';
import { jsonReporter, statusLineReporter } from '../../../src-main/headless/reporter.js';

const TOKEN = 'q3ZP8mYlT0n6u2c5W1dXb9KfHj4RsVaE7gLoNpBiCxM';
const URL_WITH_TOKEN = `http://127.0.0.1:40123/#token=${TOKEN}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dash-link-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('dashboard link file', () => {
  it('is written 0600 with the full link; the next start reads its token and port back', async () => {
    expect(await readSavedAccess(dir)).toBeNull();
    const link = await writeDashboardLink(dir, URL_WITH_TOKEN);
    expect(link.file).toBe(join(dir, 'dashboard-link'));
    expect(await readFile(link.file, 'utf8')).toBe(`${URL_WITH_TOKEN}\n`);
    expect((await stat(link.file)).mode & 0o777).toBe(0o600);
    expect(await readSavedAccess(dir)).toEqual({ port: 40123, token: TOKEN });
  });

  it('a damaged or foreign file is not reused (a fresh token then)', () => {
    expect(parseDashboardLink('http://127.0.0.1:40124/#token=short')).toBeNull();
    expect(parseDashboardLink(`http://evil.example:40124/#token=${TOKEN}`)).toBeNull();
    expect(parseDashboardLink(`http://127.0.0.1:99999/#token=${TOKEN}`)).toBeNull();
    expect(parseDashboardLink(`http://127.0.0.1:0/#token=${TOKEN}`)).toBeNull();
    expect(parseDashboardLink(`  ${URL_WITH_TOKEN}\n`)).toEqual({ port: 40123, token: TOKEN });
  });

  it('withoutToken drops the fragment only', () => {
    expect(withoutToken(URL_WITH_TOKEN)).toBe('http://127.0.0.1:40123/');
  });
});

describe('reporters', () => {
  const link = { url: URL_WITH_TOKEN, file: '/var/lib/rn/local/dashboard-link' };
  const print = (make: typeof jsonReporter, terminal: boolean) => {
    const lines: string[] = [];
    make(
      (l) => lines.push(l),
      'info',
      () => 0,
      { terminal },
    ).dashboard(link);
    return lines.join('');
  };

  it.each([
    ['status line', statusLineReporter],
    ['json', jsonReporter],
  ])('%s: not a terminal (journald, a pipe): no token, the file instead', (_name, make) => {
    const out = print(make, false);
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('http://127.0.0.1:40123/');
    expect(out).toContain(link.file);
  });

  it.each([
    ['status line', statusLineReporter],
    ['json', jsonReporter],
  ])('%s: a terminal: the full link, and the file', (_name, make) => {
    const out = print(make, true);
    expect(out).toContain(URL_WITH_TOKEN);
    expect(out).toContain(link.file);
  });

  it('json event fields', () => {
    expect(JSON.parse(print(jsonReporter, false))).toMatchObject({
      type: 'dashboard',
      url: 'http://127.0.0.1:40123/',
      linkFile: link.file,
    });
  });
});
