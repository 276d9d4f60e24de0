import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import { RunbookCollector } from './RunbookCollector';

/**
 * Runbook files must never escape the entity's folder: not through `..`,
 * absolute paths, file: URLs or encoded forms, and not through symbolic
 * links (to files or folders, direct, nested, chained or dangling). What is
 * refused never shows the content of the file outside, and no message
 * shows an absolute path of the server.
 *
 * Layout, in a fresh temporary folder:
 *
 *   outside/secret.md            the file that must never be read
 *   repo/catalog-info.yaml       the entity's own and origin location
 *   repo/docs/guide.md           a runbook
 *   repo/docs/inside.md       -> guide.md                (stays inside)
 *   repo/docs/shared          -> ../shared               (stays inside)
 *   repo/shared/ops.md           a runbook reached through docs/shared
 *   repo/docs/passwd.md       -> ../../outside/secret.md (relative link)
 *   repo/docs/absolute.md     -> <tmp>/outside/secret.md (absolute link)
 *   repo/docs/link            -> <tmp>/outside           (folder link)
 *   repo/docs/deep/er/link    -> ../../../../outside     (nested folder link)
 *   repo/docs/chain.md        -> chain-2.md -> passwd.md (chain out)
 *   repo/docs/dangling.md     -> ../../outside/missing.md
 */
describe('runbook paths never escape the entity folder', () => {
  let tmp: string;
  let secret: string;
  let secretFile: string;
  const urlReader = UrlReaders.default({
    logger: mockServices.logger.mock(),
    config: mockServices.rootConfig({ data: {} }),
  });
  const reader = new EntityLocationReader({ urlReader });

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ops-path-safety-'));
    secret = `TOP-SECRET-${randomBytes(8).toString('hex')}`;
    const outside = path.join(tmp, 'outside');
    const repo = path.join(tmp, 'repo');
    await fs.mkdir(outside);
    secretFile = path.join(outside, 'secret.md');
    await fs.writeFile(secretFile, `# Secret\n\n${secret}\n`);
    await fs.mkdir(path.join(repo, 'docs', 'deep', 'er'), { recursive: true });
    await fs.mkdir(path.join(repo, 'shared'));
    await fs.writeFile(path.join(repo, 'catalog-info.yaml'), 'kind: Component');
    await fs.writeFile(path.join(repo, 'docs', 'guide.md'), '# Guide\n');
    await fs.writeFile(path.join(repo, 'shared', 'ops.md'), '# Shared ops\n');
    const link = (target: string, at: string) =>
      fs.symlink(target, path.join(repo, at));
    await link('guide.md', 'docs/inside.md');
    await link('../shared', 'docs/shared');
    await link('../../outside/secret.md', 'docs/passwd.md');
    await link(secretFile, 'docs/absolute.md');
    await link(outside, 'docs/link');
    await link('../../../../outside', 'docs/deep/er/link');
    await link('passwd.md', 'docs/chain-2.md');
    await link('chain-2.md', 'docs/chain.md');
    await link('../../outside/missing.md', 'docs/dangling.md');
  });

  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  function entity(runbooks?: string): Entity {
    const location = `file:${path.join(tmp, 'repo', 'catalog-info.yaml')}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'pay',
        namespace: 'default',
        annotations: {
          'backstage.io/managed-by-location': location,
          'backstage.io/managed-by-origin-location': location,
          ...(runbooks ? { 'opsportal.dev/runbooks': runbooks } : {}),
        },
      },
      spec: { type: 'service', owner: 'group:default/pay', lifecycle: 'x' },
    };
  }

  /** Neither the secret nor any absolute path of this machine. */
  async function expectNothingLeaks(text: string) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(tmp);
    expect(text).not.toContain(await fs.realpath(tmp));
    expect(text).not.toContain(os.tmpdir());
    expect(text).not.toMatch(/(^|[\s('"`:])\/[A-Za-z]/);
  }

  async function refusal(promise: Promise<unknown>): Promise<Error> {
    const outcome = await promise.then(
      value => ({ value }),
      error => ({ error: error as Error }),
    );
    if ('value' in outcome) {
      await expectNothingLeaks(JSON.stringify(outcome.value));
      throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
    }
    await expectNothingLeaks(outcome.error.message);
    return outcome.error;
  }

  const escapes: [string, () => string, RegExp][] = [
    ['a file symlink', () => 'docs/passwd.md', /^docs\/passwd\.md .*symbolic/],
    ['an absolute file symlink', () => 'docs/absolute.md', /symbolic link/],
    ['a folder symlink', () => 'docs/link/', /^docs\/link .*symbolic/],
    [
      'a file in a folder symlink',
      () => 'docs/link/secret.md',
      /^docs\/link\/secret\.md .*symbolic link/,
    ],
    [
      'a file in a nested folder symlink',
      () => 'docs/deep/er/link/secret.md',
      /^docs\/deep\/er\/link\/secret\.md .*symbolic link/,
    ],
    ['a symlink chain', () => 'docs/chain.md', /^docs\/chain\.md .*symbolic/],
    ['a dangling symlink', () => 'docs/dangling.md', /symbolic link/],
    ['an absolute path', () => secretFile, /absolute paths are refused/],
    ['..', () => '../outside/secret.md', /^\.\.\/outside\/secret\.md is out/],
    ['a file: URL', () => pathToFileURL(secretFile).href, /file: URLs are/],
    ['%2e%2e/', () => '%2e%2e/outside/secret.md', /percent-encoded/],
    ['..%2f', () => '..%2foutside%2fsecret.md', /percent-encoded/],
    ['double encoding', () => '%252e%252e/outside/secret.md', /percent-enc/],
    ['a backslash', () => '..\\outside\\secret.md', /backslash/],
    ['a NUL byte', () => 'docs/guide.md\0../../outside/secret.md', /NUL/],
  ];

  it.each(escapes)(
    'refuses %s when reading a file',
    async (_, target, message) => {
      const error = await refusal(reader.readFile(entity(), target()));
      expect(error.message).toMatch(message);
    },
  );

  it.each(escapes)(
    'refuses %s when reading a folder',
    async (_, target, message) => {
      const error = await refusal(
        reader.readFolder(entity(), target(), ['.md']),
      );
      expect(error.message).toMatch(message);
    },
  );

  it.each(escapes)(
    'reports %s as a runbook problem and reads nothing',
    async (_, target, message) => {
      const collector = new RunbookCollector(reader, {
        techdocsBasePath: '/docs',
      });
      const collected = await collector.collect(entity(target()));
      expect(collected.runbooks).toEqual([]);
      expect(collected.bodies.size).toBe(0);
      expect(collected.problems).toEqual([
        {
          location: target(),
          message: expect.stringMatching(/^could not be read: /),
        },
      ]);
      const text = collected.problems[0].message.replace(
        /^could not be read: /,
        '',
      );
      expect(text).toMatch(message);
      await expectNothingLeaks(text);
      expect(JSON.stringify(collected)).not.toContain(secret);
    },
  );

  it('refuses a folder where a file is wanted', async () => {
    const error = await refusal(reader.readFile(entity(), 'docs'));
    expect(error.message).toBe('docs is a folder, not a file');
  });

  it('follows symlinks that stay inside and reports those that leave', async () => {
    const folder = await reader.readFolder(entity(), 'docs/', ['.md']);

    expect(folder.files.map(f => [f.name, f.content])).toEqual([
      ['guide.md', '# Guide\n'],
      ['inside.md', '# Guide\n'],
      ['shared/ops.md', '# Shared ops\n'],
    ]);
    expect(folder.problems.map(p => p.name)).toEqual([
      'absolute.md',
      'chain-2.md',
      'chain.md',
      'dangling.md',
      'deep/er/link',
      'link',
      'passwd.md',
    ]);
    for (const problem of folder.problems) {
      expect(problem.message).toMatch(
        /symbolic link, or lies in a linked folder, that leads outside component:default\/pay's own location or to nothing$/,
      );
    }
    await expectNothingLeaks(JSON.stringify(folder.problems));
    expect(JSON.stringify(folder.files)).not.toContain(secret);

    expect((await reader.readFile(entity(), 'docs/inside.md')).content).toBe(
      '# Guide\n',
    );
    expect(
      (await reader.readFile(entity(), 'docs/shared/ops.md')).content,
    ).toBe('# Shared ops\n');
  });

  it('compares real paths, so an entity folder reached through a symlink still reads', async () => {
    // As with /tmp -> /private/tmp on macOS.
    await fs.symlink(path.join(tmp, 'repo'), path.join(tmp, 'via-link'));
    const location = `file:${path.join(tmp, 'via-link', 'catalog-info.yaml')}`;
    const linked: Entity = {
      ...entity(),
      metadata: {
        name: 'pay',
        annotations: {
          'backstage.io/managed-by-location': location,
          'backstage.io/managed-by-origin-location': location,
        },
      },
    };

    expect((await reader.readFile(linked, 'docs/inside.md')).content).toBe(
      '# Guide\n',
    );
    const error = await refusal(reader.readFile(linked, 'docs/passwd.md'));
    expect(error.message).toMatch(/symbolic link/);
  });
});
