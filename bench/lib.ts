/*
 * What the benchmarks share: a fake upstream started in its own process (as
 * the real upstream is remote, its work must not run on the measured event
 * loop) and a logger that only prints warnings and errors (mockServices'
 * logger needs jest).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { LoggerService } from '@backstage/backend-plugin-api';

/** A fake upstream running in a child process. */
export interface FakeProcess {
  url: string;
  child: ChildProcess;
  stop: () => void;
}

/**
 * Runs `script` (a TypeScript file that prints `listening <url>` once it
 * serves) with `args`, and resolves with its URL. `nodeArgs` go before the
 * script, e.g. `--max-old-space-size=4096`. The child is stopped when this
 * process exits.
 */
export function startFakeProcess(
  script: string,
  args: (string | number)[],
  nodeArgs: string[] = [],
): Promise<FakeProcess> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      script,
      ...args.map(String),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = () => {
    child.kill('SIGTERM');
  };
  process.on('exit', stop);
  return new Promise<FakeProcess>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk;
      const match = /^listening (\S+)$/m.exec(out);
      if (match) resolve({ url: match[1], child, stop });
    });
    child.on('exit', code => reject(new Error(`fake exited with ${code}`)));
  });
}

/** A logger that only prints warnings and errors. */
export function quietLogger(): LoggerService {
  const logger: LoggerService = {
    error: message => process.stderr.write(`error: ${message}\n`),
    warn: message => process.stderr.write(`warn: ${message}\n`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}
