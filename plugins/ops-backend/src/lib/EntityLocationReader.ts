import { constants as fsConstants, Dirent, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
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

type Resolved =
  | {
      type: 'file';
      /** Absolute path, lexically under `root`. */
      path: string;
      /** The folder the entity may read from (its origin location's). */
      root: string;
      /** `path` relative to the entity's own folder, for messages. */
      display: string;
      /** The entity, for messages. */
      ref: string;
    }
  | { type: 'url'; url: URL };

type FileWhere = Extract<Resolved, { type: 'file' }>;

/** Percent-encoded `.`, `/`, `\` or NUL, also double-encoded (`%252e`). */
const ENCODED_PATH_CHARACTER = /%(?:25)*(?:2e|2f|5c|00)/i;

/**
 * Read-only; never follow a symbolic link in the last component (the path
 * opened is a real path, so a link there was swapped in after the check);
 * never block on a named pipe.
 */
const OPEN_FLAGS =
  fsConstants.O_RDONLY |
  (fsConstants.O_NOFOLLOW ?? 0) |
  (fsConstants.O_NONBLOCK ?? 0);

/**
 * Reads files that an entity points at from its annotations (OpenSLO specs,
 * runbooks), relative to the entity's own catalog file. Only locations under
 * the entity's origin location (the folder of the catalog location it came
 * from) are read, so an annotation cannot make the backend fetch arbitrary
 * URLs or files. `url:` locations are read through Backstage's URL reader;
 * `file:` locations (local catalogs, as in this repository's examples) from
 * disk, as the catalog itself reads them.
 *
 * On disk, symbolic links are followed only when their real path stays
 * inside the real path of the origin folder, checked again on the opened
 * file right before it is read. Messages name files relative to the
 * entity's folder, never by their absolute path on the server.
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
   * Where `target` (relative to the entity's catalog file) points for this
   * entity, checked to lie under the entity's origin location. Throws
   * NotAllowedError or InputError otherwise. For `file:` locations this is
   * the lexical check only; symbolic links are checked when reading.
   */
  resolve(entity: Entity, target: string): Resolved {
    const ref = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    const own = annotations[ANNOTATION_LOCATION];
    const origin = annotations[ANNOTATION_ORIGIN_LOCATION] ?? own;
    if (!own || !origin) {
      throw new InputError(`${ref} has no catalog location to resolve against`);
    }
    checkTargetText(target);
    if (/^file:/i.test(target)) {
      throw new NotAllowedError(
        `file: URLs are refused, as they can point outside ${ref}'s own location; name files relative to its catalog file`,
      );
    }
    const base = parseLocationRef(own);
    const root = parseLocationRef(origin);

    if (base.type === 'file' && root.type === 'file') {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        throw new NotAllowedError(`${target} is outside ${ref}'s own location`);
      }
      if (path.isAbsolute(target)) {
        throw new NotAllowedError(
          `absolute paths are refused, as they can point outside ${ref}'s own location; name files relative to its catalog file`,
        );
      }
      const folder = path.dirname(toPath(base.target));
      const resolved = path.resolve(folder, target);
      const display = relativeName(folder, resolved);
      const allowed = path.dirname(toPath(root.target));
      if (!isWithin(resolved, allowed)) {
        throw new NotAllowedError(
          `${display} is outside ${ref}'s own location`,
        );
      }
      return { type: 'file', path: resolved, root: allowed, display, ref };
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

  /** Reads one file the entity points at; a folder is refused. */
  async readFile(entity: Entity, target: string): Promise<LocationFile> {
    const where = this.resolve(entity, target);
    if (where.type === 'file') {
      return this.readDiskFile(
        where,
        where.path,
        path.basename(where.path),
        where.display,
      );
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
   * that are too large or binary, and symbolic links that lead outside the
   * entity's location, are reported in `problems`, not thrown.
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
      const rootReal = await realRoot(where);
      const real = await realPathInside(where, where.path, where.display);
      const stat = await fs
        .stat(real)
        .catch(error => Promise.reject(diskError(error, where, where.display)));
      if (stat.isFile()) {
        return {
          files: [
            await this.readDiskFile(
              where,
              where.path,
              path.basename(where.path),
              where.display,
            ),
          ],
          problems,
        };
      }
      if (!stat.isDirectory()) {
        throw new InputError(`${where.display} is not a file or a folder`);
      }
      const listing = await listFiles(where, rootReal, real, wanted);
      problems.push(...listing.problems);
      for (const name of listing.names) {
        if (files.length >= this.maxFiles) {
          problems.push({
            name,
            message: `skipped: more than ${this.maxFiles} files`,
          });
          continue;
        }
        try {
          files.push(
            await this.readDiskFile(
              where,
              path.join(where.path, ...name.split('/')),
              name,
              name,
            ),
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

  /**
   * Reads `filePath` (lexically inside `where.root`) only if its real path
   * is inside the root's real path. The file is opened by its real path
   * without following a symbolic link there, and the opened file is checked
   * to still be the one the path leads to before anything is read, so a
   * link swapped in between the check and the read is refused too.
   * `display` names the file in messages.
   */
  private async readDiskFile(
    where: FileWhere,
    filePath: string,
    name: string,
    display: string,
  ): Promise<LocationFile> {
    const real = await realPathInside(where, filePath, display);
    let handle: FileHandle;
    try {
      handle = await fs.open(real, OPEN_FLAGS);
    } catch (error) {
      throw diskError(error, where, display);
    }
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) {
        throw new InputError(`${display} is a folder, not a file`);
      }
      if (!stat.isFile()) {
        throw new InputError(`${display} is not a regular file`);
      }
      const again = await realPathInside(where, filePath, display);
      const now = await fs
        .stat(again)
        .catch(error => Promise.reject(diskError(error, where, display)));
      if (now.dev !== stat.dev || now.ino !== stat.ino) {
        throw new NotAllowedError(`${display} changed while it was being read`);
      }
      if (stat.size > this.maxFileBytes) {
        throw new InputError(
          `${display} is ${stat.size} bytes, over the ${this.maxFileBytes}-byte limit`,
        );
      }
      const buffer = await readAtMost(handle, this.maxFileBytes + 1).catch(
        error => Promise.reject(diskError(error, where, display)),
      );
      return {
        url: pathToFileURL(filePath).href,
        name,
        content: this.decode(buffer, display),
        lastModified: stat.mtime,
      };
    } finally {
      await handle.close().catch(() => undefined);
    }
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

/**
 * Refuses what can hide a path from the checks, or mean something else to
 * the file system or the server than to them: NUL bytes, backslashes and
 * percent-encoded dots, slashes and backslashes (`%2e%2e/`, `..%2f`).
 */
function checkTargetText(target: string) {
  if (target.includes('\0')) {
    throw new InputError('the location contains a NUL byte');
  }
  if (target.includes('\\')) {
    throw new InputError(
      'the location contains a backslash; separate folders with /',
    );
  }
  if (ENCODED_PATH_CHARACTER.test(target)) {
    throw new InputError(
      'the location contains a percent-encoded dot, slash, backslash or NUL (%2e, %2f, %5c, %00); write the path plainly',
    );
  }
}

/** The same message whether a link leads outside or to nothing. */
function linkMessage(where: FileWhere, display: string): string {
  return `${display} is a symbolic link, or lies in a linked folder, that leads outside ${where.ref}'s own location or to nothing`;
}

/** The real path of the folder the entity may read from. */
async function realRoot(where: FileWhere): Promise<string> {
  try {
    return await fs.realpath(where.root);
  } catch {
    throw new NotFoundError(`${where.ref}'s catalog folder cannot be read`);
  }
}

/**
 * The real path of `candidate` (lexically under `where.root`), which must
 * exist and lie inside the real path of the root.
 */
async function realPathInside(
  where: FileWhere,
  candidate: string,
  display: string,
): Promise<string> {
  const rootReal = await realRoot(where);
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (await passesThroughLink(where.root, candidate)) {
        throw new NotAllowedError(linkMessage(where, display));
      }
      throw new NotFoundError(`${display} does not exist`);
    }
    throw diskError(error, where, display);
  }
  if (!isWithin(real, rootReal)) {
    throw new NotAllowedError(linkMessage(where, display));
  }
  return real;
}

/** Whether a component of `candidate` below `root` is a symbolic link. */
async function passesThroughLink(
  root: string,
  candidate: string,
): Promise<boolean> {
  let current = root;
  for (const part of path.relative(root, candidate).split(path.sep)) {
    if (!part) continue;
    current = path.join(current, part);
    const stat = await fs.lstat(current).catch(() => undefined);
    if (!stat) return false;
    if (stat.isSymbolicLink()) return true;
  }
  return false;
}

/** An error of the file system, without the absolute path Node puts in. */
function diskError(error: unknown, where: FileWhere, display: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFoundError(`${display} does not exist`);
    case 'ELOOP':
      return new NotAllowedError(linkMessage(where, display));
    case 'EISDIR':
      return new InputError(`${display} is a folder, not a file`);
    default:
      return new Error(
        `${display} could not be read (${code ?? 'unknown error'})`,
      );
  }
}

async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, limit - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
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
    (!relative.startsWith(`..${path.sep}`) &&
      relative !== '..' &&
      !path.isAbsolute(relative))
  );
}

/** `to` relative to `from`, with / between folders; `.` for `from` itself. */
function relativeName(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join('/') || '.';
}

/**
 * The files with a wanted name under `folder` (real path `folderReal`),
 * relative to it, in name order. Hidden entries are skipped. Symbolic links
 * are followed when they stay inside the root's real path; the others are
 * reported. Each folder is listed once, however many links lead to it.
 */
async function listFiles(
  where: FileWhere,
  rootReal: string,
  folderReal: string,
  wanted: (name: string) => boolean,
): Promise<{ names: string[]; problems: LocationFolder['problems'] }> {
  const names: string[] = [];
  const problems: LocationFolder['problems'] = [];
  const seen = new Set<string>();

  async function walk(dirReal: string, prefix: string, depth: number) {
    if (depth > 4 || seen.has(dirReal)) return;
    seen.add(dirReal);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dirReal, { withFileTypes: true });
    } catch (error) {
      throw diskError(error, where, prefix || where.display);
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(dirReal, entry.name);
      if (entry.isSymbolicLink()) {
        const real = await fs.realpath(full).catch(() => undefined);
        const stat =
          real && isWithin(real, rootReal)
            ? await fs.stat(real).catch(() => undefined)
            : undefined;
        if (!stat) {
          problems.push({ name: rel, message: linkMessage(where, rel) });
        } else if (stat.isDirectory()) {
          await walk(real!, rel, depth + 1);
        } else if (stat.isFile() && wanted(rel)) {
          names.push(rel);
        }
      } else if (entry.isDirectory()) {
        await walk(full, rel, depth + 1);
      } else if (entry.isFile() && wanted(rel)) {
        names.push(rel);
      }
    }
  }

  await walk(folderReal, '', 0);
  return { names, problems };
}
