import { randomBytes, randomInt } from 'node:crypto';
import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { JobSpec } from './job-record.js';

const WORDS = 'why does the sky look blue at noon and red at dusk when sun is low'.split(' ');

/** The registration test task: a short completion on the default model with a fixed seed. */
export function testTaskSpec(snapshot: ConfigSnapshot): JobSpec | null {
  const model = snapshot.models.find((m) => m.default) ?? snapshot.models[0];
  if (!model) return null;
  const salt = randomBytes(4).toString('hex');
  const words = Array.from({ length: 12 }, () => WORDS[randomInt(WORDS.length)]!).join(' ');
  return {
    model: model.served_name,
    kind: 'completion',
    prompt: `Test task ${salt}: ${words}?`,
    max_tokens: Math.min(32, snapshot.jobs.max_output_tokens),
    temperature: 0,
    seed: randomInt(1, 2 ** 31 - 1),
  };
}
