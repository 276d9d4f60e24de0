import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityLocationReader } from './EntityLocationReader';

function entityAt(location: string, origin = location): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payment-service',
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': origin,
      },
    },
    spec: {},
  };
}

describe('EntityLocationReader', () => {
  let dir: string;
  const urlReader = UrlReaders.default({
    logger: mockServices.logger.mock(),
    config: mockServices.rootConfig({ data: {} }),
  });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ops-locations-'));
    await fs.mkdir(path.join(dir, 'catalog', 'services'), { recursive: true });
    await fs.mkdir(path.join(dir, 'catalog', 'runbooks', 'payment', 'db'), {
      recursive: true,
    });
    await fs.writeFile(path.join(dir, 'catalog', 'all.yaml'), 'kind: Location');
    await fs.writeFile(
      path.join(dir, 'catalog', 'runbooks', 'payment', 'gateway.md'),
      '# Gateway',
    );
    await fs.writeFile(
      path.join(dir, 'catalog', 'runbooks', 'payment', 'db', 'failover.md'),
      '# Failover',
    );
    await fs.writeFile(
      path.join(dir, 'catalog', 'runbooks', 'payment', 'notes.txt'),
      'not markdown',
    );
    await fs.writeFile(
      path.join(dir, 'catalog', 'runbooks', 'payment', 'logo.md'),
      Buffer.from([0x89, 0x50, 0, 1]),
    );
    await fs.writeFile(
      path.join(dir, 'catalog', 'runbooks', 'payment', 'huge.md'),
      'x'.repeat(2048),
    );
    await fs.writeFile(path.join(dir, 'secret.md'), 'outside');
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const fileEntity = () =>
    entityAt(
      `file:${path.join(dir, 'catalog', 'services', 'payment.yaml')}`,
      `file:${path.join(dir, 'catalog', 'all.yaml')}`,
    );

  it('reads a folder of markdown relative to the entity, reporting what it skipped', async () => {
    const reader = new EntityLocationReader({ urlReader, maxFileBytes: 1024 });
    const folder = await reader.readFolder(
      fileEntity(),
      '../runbooks/payment/',
      ['.md'],
    );

    expect(folder.files.map(f => [f.name, f.content])).toEqual([
      ['db/failover.md', '# Failover'],
      ['gateway.md', '# Gateway'],
    ]);
    expect(folder.problems).toEqual([
      {
        name: 'huge.md',
        message: 'huge.md is 2048 bytes, over the 1024-byte limit',
      },
      { name: 'logo.md', message: 'logo.md is a binary file, not text' },
    ]);
    expect(folder.files[0].url).toMatch(/^file:\/\//);
    expect(folder.files[0].lastModified?.getTime()).toBeGreaterThan(
      Date.now() - 60_000,
    );
  });

  it('refuses locations outside the entity origin', async () => {
    const reader = new EntityLocationReader({ urlReader });
    await expect(
      reader.readFile(fileEntity(), '../../secret.md'),
    ).rejects.toThrow(
      /outside component:default\/payment-service's own location/,
    );
    await expect(reader.readFile(fileEntity(), '/etc/passwd')).rejects.toThrow(
      /outside/,
    );
    await expect(
      reader.readFile(fileEntity(), 'https://example.com/x.md'),
    ).rejects.toThrow(/outside/);
  });

  it('says clearly when the file is missing', async () => {
    const reader = new EntityLocationReader({ urlReader });
    await expect(
      reader.readFile(fileEntity(), '../runbooks/none.md'),
    ).rejects.toThrow('none.md does not exist');
  });

  it('reads url locations through the URL reader and keeps to the origin', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/repo/slo/payment.yaml') {
        res.writeHead(200, { 'Content-Type': 'text/yaml' });
        res.end('apiVersion: openslo/v1');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const reader = new EntityLocationReader({
        urlReader: UrlReaders.default({
          logger: mockServices.logger.mock(),
          config: mockServices.rootConfig({
            data: { backend: { reading: { allow: [{ host }] } } },
          }),
        }),
      });
      const entity = entityAt(
        `url:http://${host}/repo/services/payment.yaml`,
        `url:http://${host}/repo/catalog-info.yaml`,
      );
      const file = await reader.readFile(entity, '../slo/payment.yaml');
      expect(file.content).toBe('apiVersion: openslo/v1');
      expect(file.url).toBe(`http://${host}/repo/slo/payment.yaml`);
      await expect(
        reader.readFile(entity, '../../other-repo/x.md'),
      ).rejects.toThrow(/outside/);
    } finally {
      await new Promise(r => server.close(r));
    }
  });
});
