// The GitHub workflows cannot run here; this keeps them in step with .ci/run, package.json and
// the credential names the build hooks read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  container?: { image: string; options?: string };
  strategy?: { matrix: { include: Array<{ os: string; target: string }> } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const workflow = (name: string) => load(read(`.github/workflows/${name}`)) as Workflow;
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const nodeMajor = Number(pkg.devDependencies.node?.split('.')[0]);

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  const job = ci.jobs.ci!;

  it('runs .ci/run and nothing else of substance', () => {
    expect(job.steps.at(-1)?.run).toBe('bash .ci/run');
    expect(ci.on).toHaveProperty('pull_request');
  });

  it('runs on the Debian that .ci/run installs its packages for, with dockerd allowed', () => {
    expect(read('.ci/run')).toMatch(/apt-get install -y -qq docker\.io docker-registry chromium/);
    expect(job.container).toEqual({ image: 'debian:12', options: '--privileged' });
  });

  it('uses the Node major the project pins', () => {
    expect(pkg.engines.node).toContain(`>=${nodeMajor}`);
    const setup = job.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(setup?.with?.['node-version']).toBe(nodeMajor);
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const job = release.jobs.installers!;
  const text = read('.github/workflows/release.yml');

  it('runs on version tags, for Windows, macOS and Linux', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    const matrix = job.strategy!.matrix.include;
    expect(matrix.map((m) => m.target).sort()).toEqual(['--linux', '--mac', '--win']);
    expect(matrix.map((m) => m.os.split('-')[0]).sort()).toEqual(['macos', 'ubuntu', 'windows']);
  });

  it('installs with the Electron binary, builds, then publishes', () => {
    expect(text).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    const runs = job.steps.map((s) => s.run ?? '');
    const ci = runs.findIndex((r) => r.startsWith('npm ci'));
    const build = runs.indexOf('npm run build');
    const publish = runs.indexOf('npx electron-builder ${{ matrix.target }} --publish always');
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(ci);
    expect(publish).toBeGreaterThan(build);
    expect(job.steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true);
    expect(release.jobs.installers).toHaveProperty('needs', 'draft');
  });

  it('passes every signing and notarisation variable the build reads', () => {
    const env = job.steps.find((s) => s.run?.startsWith('npx electron-builder'))!.env!;
    for (const name of [
      'GH_TOKEN',
      'WIN_CSC_LINK',
      'WIN_CSC_KEY_PASSWORD',
      'CSC_LINK',
      'CSC_KEY_PASSWORD',
      'APPLE_API_KEY_ID',
      'APPLE_API_ISSUER',
      'APPLE_ID',
      'APPLE_APP_SPECIFIC_PASSWORD',
      'APPLE_TEAM_ID',
      'RESULTITY_REQUIRE_NOTARIZATION',
    ]) {
      expect(env, name).toHaveProperty(name);
    }
    // APPLE_API_KEY is a file path: written from a secret in the step before.
    expect(text).toContain('echo "APPLE_API_KEY=$RUNNER_TEMP/apple-api-key.p8" >> "$GITHUB_ENV"');
    expect(text).not.toContain('RESULTITY_PACKAGING_DRY_RUN');
  });
});
