import { z } from 'zod';
import { SloProblem } from '@opsportal/plugin-ops-common';
import * as yaml from 'yaml';

/** Where a value sits in its YAML document: mapping keys and list indexes. */
export type Path = (string | number)[];

/** A value of the file: its YAML document and its path in it. */
export interface Place {
  doc: yaml.Document;
  path: Path;
}

/** The place of a value under `place`. */
export function at(place: Place, ...keys: Path): Place {
  return { doc: place.doc, path: [...place.path, ...keys] };
}

/** A path as messages show it: `spec.objectives.0.target`. */
export function pathText(path: Path): string {
  return path.join('.') || 'document';
}

/**
 * The problems of one file, each at the line of the value it is about. A
 * mapping or list under a key is shown at its key; a missing value at the
 * nearest value that is there (the mapping it is missing from).
 */
export class FileProblems {
  readonly problems: SloProblem[] = [];
  private readonly lines = new yaml.LineCounter();

  constructor(readonly location: string) {}

  /** The YAML documents of `text`; those with syntax errors are reported. */
  documents(text: string): yaml.Document[] {
    const parsed = yaml.parseAllDocuments(text, { lineCounter: this.lines });
    return (Array.isArray(parsed) ? parsed : []).filter(doc => {
      for (const error of doc.errors) {
        this.problems.push({
          severity: 'error',
          message: `YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`,
          source: this.location,
          line: error.linePos?.[0].line,
        });
      }
      return doc.errors.length === 0;
    });
  }

  /** 1-based line of the value at `place`, or of its nearest parent. */
  lineOf({ doc, path }: Place): number | undefined {
    let node = doc.contents as unknown;
    let offset = (node as yaml.Node | null)?.range?.[0];
    for (const key of path) {
      let shown: unknown;
      if (yaml.isSeq(node)) {
        shown = node = node.items[Number(key)];
      } else if (yaml.isMap(node)) {
        const pair = node.items.find(
          p => String(yaml.isScalar(p.key) ? p.key.value : p.key) === `${key}`,
        );
        node = pair?.value;
        shown = yaml.isCollection(node) ? pair?.key : node;
      } else break;
      if (!node) break;
      offset = (shown as yaml.Node).range?.[0] ?? offset;
    }
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  /** Reports a problem at the line of `place`; without a place, of the whole file. */
  report(
    severity: SloProblem['severity'],
    place: Place | undefined,
    message: string,
  ) {
    const line = place && this.lineOf(place);
    this.problems.push({
      severity,
      message,
      source: this.location,
      ...(line !== undefined && { line }),
    });
  }

  /** Reports an error; undefined, for `return file.error(...)`. */
  error(place: Place, message: string): undefined {
    this.report('error', place, message);
    return undefined;
  }

  /**
   * `value` read by `schema`, or undefined after reporting each issue at its
   * line as `path: message` (a custom issue with `params.sentence` is shown
   * as it is). Unknown fields of a strict object are warnings: the value is
   * read without them.
   */
  parse<T>(schema: z.ZodType<T>, value: unknown, place: Place): T | undefined {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const unknown: z.core.$ZodIssueUnrecognizedKeys[] = [];
    for (const issue of result.error.issues) {
      const where = at(place, ...(issue.path as Path));
      if (issue.code === 'unrecognized_keys') {
        unknown.push(issue);
        for (const key of issue.keys) {
          const field = at(where, key);
          this.report(
            'warning',
            field,
            `${pathText(field.path)}: ${issue.message}`,
          );
        }
      } else if (issue.code === 'custom' && issue.params?.sentence) {
        this.error(where, issue.message);
      } else {
        this.error(where, `${pathText(where.path)}: ${issue.message}`);
      }
    }
    if (unknown.length < result.error.issues.length) return undefined;
    const known = structuredClone(value);
    for (const { path, keys } of unknown) {
      const holder = path.reduce((v: any, key) => v[key as string], known);
      for (const key of keys) delete holder[key];
    }
    const again = schema.safeParse(known);
    return again.success ? again.data : undefined;
  }
}
