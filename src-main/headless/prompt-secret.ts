import { createInterface } from 'node:readline';

/**
 * Asks for a secret on the terminal (stdin must be a TTY) without echoing what is typed. The
 * question goes to stderr so `--json` output on stdout stays one JSON object per line.
 */
export function promptSecret(question: string): Promise<string> {
  return new Promise((resolvePrompt, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let asked = false;
    // readline echoes through _writeToOutput: print the question once, then nothing.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s);
      asked = true;
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolvePrompt(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('Cancelled: no passphrase was entered, nothing was imported.'));
    });
  });
}
