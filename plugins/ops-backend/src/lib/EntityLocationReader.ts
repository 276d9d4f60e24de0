import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';

/** A file read from an entity's own location. */
export interface LocationFile {
  /** Where it was read: an http(s) URL or a file: URL. */
  url: string;
  /** Path relative to the folder that was read, or the file name. */
  name: string;
  content: string;
  lastModified?: Date;
}

/** What a folder read brought back: the files, and why others were skipped. */
export interface LocationFolder {
  files: LocationFile[];
  problems: { name: string; message: string }[];
}

export interface EntityLocationReaderOptions {
  urlReader: UrlReaderService;
  /** Largest file read, in bytes. Default 512 KiB. */
  maxFileBytes?: number;
  /** Most files read from one folder. Default 200. */
  maxFiles?: number;
}

type Resolved = { type: 'file'; path: string } | { type: 'url'; url: URL };

/**
 * Reads files that an entity points at from its annotations (OpenSLO specs,
 * runbooks), relative to the entity's own catalog file. Only locations under
 * the entity's origin location (the folder of the catalog location it came
 * from) are read, so an annotation cannot make the backend fetch arbitrary
 * URLs or files. `url:` locations are read through Backstage's URL reader;
 * `file:` locations (local catalogs, as in this repository's examples) from
 * disk, as the catalog itself reads them.
 */
export class EntityLocationReader {
  private readonly urlReader: UrlReaderService;
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;

  constructor(options: EntityLocationReaderOptions) {
    this.urlReader = options.urlReader;
    this.maxFileBytes = options.maxFileBytes ?? 512 * 1024;
    this.maxFiles = options.maxFiles ?? 200;
  }

  /**
   * Where `target` (relative or absolute) points for this entity, checked to
   * lie under the entity's origin location. Throws NotAllowedError otherwise.
   */
  resolve(entity: Entity, target: string): Resolved {
    const ref = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    const own = annotations[ANNOTATION_LOCATION];
    const origin = annotations[ANNOTATION_ORIGIN_LOCATION] ?? own;
    if (!own || !origin) {
      throw new InputError(
        `${ref} has no catalog location to resolve ${target} against`,
      );
    }
    const base = parseLocationRef(own);
    const root = parseLocationRef(origin);

    if (base.type === 'file' && root.type === 'file') {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('file:')) {
        throw new NotAllowedError(
          `${target} is outside ${ref}'s own location (${root.target})`,
        );
      }
      const basePath = toPath(base.target);
      const resolved = target.startsWith('file:')
        ? fileURLToPath(target)
        : path.resolve(path.dirname(basePath), target);
      const allowed = path.dirname(toPath(root.target));
      if (!isWithin(resolved, allowed)) {
        throw new NotAllowedError(
          `${target} is outside ${ref}'s own location (${allowed})`,
        );
      }
      return { type: 'file', path: resolved };
    }

    if (base.type === 'url' && root.type === 'url') {
      let resolved: URL;
      try {
        resolved = new URL(target, base.target);
      } catch {
        throw new InputError(`${target} is not a valid location`);
      }
      const allowed = new URL('.', root.target);
      if (
        resolved.origin !== allowed.origin ||
        !resolved.pathname.startsWith(allowed.pathname)
      ) {
        throw new NotAllowedError(
          `${target} is outside ${ref}'s own location (${allowed.href})`,
        );
      }
      return { type: 'url', url: resolved };
    }

    throw new InputError(
      `${ref} comes from a ${root.type} location; only url and file locations can be read`,
    );
  }

  /** Reads one file the entity points at. */
  async readFile(entity: Entity, target: string): Promise<LocationFile> {
    const where = this.resolve(entity, target);
    if (where.type === 'file') {
      return this.readDiskFile(where.path, path.basename(where.path));
    }
    const response = await this.urlReader.readUrl(where.url.href);
    const buffer = await response.buffer();
    return {
      url: where.url.href,
      name: path.posix.basename(where.url.pathname),
      content: this.decode(buffer, where.url.href),
      lastModified: response.lastModifiedAt,
    };
  }

  /**
   * Reads the files with one of `extensions` in a folder the entity points
   * at (recursively), or the single file when the target is a file. Files
   * that are too large or binary are reported in `problems`, not thrown.
   */
  async readFolder(
    entity: Entity,
    target: string,
    extensions: string[],
  ): Promise<LocationFolder> {
    const where = this.resolve(entity, target);
    const wanted = (name: string) =>
      extensions.some(ext => name.toLowerCase().endsWith(ext));
    const problems: LocationFolder['problems'] = [];
    const files: LocationFile[] = [];

    if (where.type === 'file') {
      const stat = await fs.stat(where.path).catch(() => undefined);
      if (!stat) throw new NotFoundError(`${target} does not exist`);
      if (stat.isFile()) {
        return {
          files: [
            await this.readDiskFile(where.path, path.basename(where.path)),
          ],
          problems,
        };
      }
      const names = await listFiles(where.path);
      for (const name of names.filter(wanted)) {
        if (files.length >= this.maxFiles) {
          problems.push({
            name,
            message: `skipped: more than ${this.maxFiles} files`,
          });
          continue;
        }
        try {
          files.push(
            await this.readDiskFile(path.join(where.path, name), name),
          );
        } catch (error) {
          problems.push({ name, message: (error as Error).message });
        }
      }
      return { files, problems };
    }

    if (!where.url.pathname.endsWith('/')) {
      return { files: [await this.readFile(entity, target)], problems };
    }
    const tree = await this.urlReader.readTree(where.url.href, {
      filter: (filePath, info) =>
        wanted(filePath) &&
        (info?.size === undefined || info.size <= this.maxFileBytes),
    });
    for (const file of await tree.files()) {
      if (files.length >= this.maxFiles) {
        problems.push({
          name: file.path,
          message: `skipped: more than ${this.maxFiles} files`,
        });
        continue;
      }
      try {
        const buffer = await file.content();
        files.push({
          url: new URL(file.path, where.url).href,
          name: file.path,
          content: this.decode(buffer, file.path),
          lastModified: file.lastModifiedAt,
        });
      } catch (error) {
        problems.push({ name: file.path, message: (error as Error).message });
      }
    }
    return { files, problems };
  }

  private async readDiskFile(
    filePath: string,
    name: string,
  ): Promise<LocationFile> {
    const stat = await fs.stat(filePath).catch(() => undefined);
    if (!stat || !stat.isFile())
      throw new NotFoundError(`${name} does not exist`);
    if (stat.size > this.maxFileBytes) {
      throw new InputError(
        `${name} is ${stat.size} bytes, over the ${this.maxFileBytes}-byte limit`,
      );
    }
    const buffer = await fs.readFile(filePath);
    return {
      url: pathToFileURL(filePath).href,
      name,
      content: this.decode(buffer, name),
      lastModified: stat.mtime,
    };
  }

  private decode(buffer: Buffer, name: string): string {
    if (buffer.length > this.maxFileBytes) {
      throw new InputError(
        `${name} is ${buffer.length} bytes, over the ${this.maxFileBytes}-byte limit`,
      );
    }
    if (buffer.includes(0)) {
      throw new InputError(`${name} is a binary file, not text`);
    }
    return buffer.toString('utf8');
  }
}

function toPath(target: string): string {
  return target.startsWith('file:')
    ? fileURLToPath(target)
    : path.resolve(target);
}

function isWithin(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate);
  return (
    relative === '' ||
    (!relative.startsWith('..') && !path.isAbsolute(relative))
  );
}

async function listFiles(
  folder: string,
  prefix = '',
  depth = 0,
): Promise<string[]> {
  if (depth > 4) return [];
  const entries = await fs.readdir(folder, { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      names.push(
        ...(await listFiles(path.join(folder, entry.name), rel, depth + 1)),
      );
    } else if (entry.isFile()) {
      names.push(rel);
    }
  }
  return names;
}
