import fs from 'node:fs';
import path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks requests against PagerDuty's published OpenAPI description of REST
 * API v2 (shared/contracts/pagerduty/rest-openapiv3.json, referenced by
 * path, never copied): the path and method must exist, every query
 * parameter must be declared and match its schema, required parameters and
 * headers must be present, and the `Accept` header must ask for version 2.
 *
 * The published file has three known quirks, handled here so that correct
 * requests pass:
 * - `Content-Type` is declared required on every request: it is only
 *   required when there is a body;
 * - responses are declared as `application/json` while the API is called
 *   with `Accept: application/vnd.pagerduty+json;version=2`: that is the
 *   Accept value required;
 * - array parameters (`statuses[]`, `include[]`) are sometimes declared as a
 *   single string: a parameter whose name ends in `[]` takes one or more
 *   values of the declared item schema.
 */

const SPEC_IN_SHARED = path.join(
  'shared',
  'contracts',
  'pagerduty',
  'rest-openapiv3.json',
);

/**
 * Where the spec is: `PAGERDUTY_REST_SPEC` when set, else
 * `shared/contracts/pagerduty/rest-openapiv3.json` in the nearest folder
 * above the repository that has it (the repository's sibling `shared/` in
 * the workspace it is developed in). The fakes only ever run from source,
 * so `__dirname` is this file's folder.
 */
export function defaultSpecPath(): string {
  if (process.env.PAGERDUTY_REST_SPEC) return process.env.PAGERDUTY_REST_SPEC;
  // eslint-disable-next-line no-restricted-syntax
  const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
  let dir = path.dirname(repoRoot);
  for (;;) {
    const candidate = path.join(dir, SPEC_IN_SHARED);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(path.dirname(repoRoot), SPEC_IN_SHARED);
}

const ACCEPT = 'application/vnd.pagerduty+json;version=2';

interface Parameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
  schema?: any;
}

interface Operation {
  template: string;
  matcher: RegExp;
  literalSegments: number;
  parameters: Parameter[];
  hasBody: boolean;
  arrayParams: Set<string>;
  /** The query schema, compiled on first use. */
  validateQuery: () => ValidateFunction;
}

/** A request as the validator needs it. */
export interface ContractRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: string;
}

/** Validates requests against the REST API description. */
export class PagerDutyContract {
  private readonly operations = new Map<string, Operation[]>();
  private readonly ajv: Ajv;

  /** Loads the spec; undefined when the file is absent (validation is then skipped). */
  static load(specPath = defaultSpecPath()): PagerDutyContract | undefined {
    if (!fs.existsSync(specPath)) return undefined;
    return new PagerDutyContract(JSON.parse(fs.readFileSync(specPath, 'utf8')));
  }

  constructor(private readonly spec: any) {
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      coerceTypes: 'array',
      useDefaults: false,
    });
    addFormats(this.ajv);
    // PagerDuty-specific formats that carry no checkable rule here.
    this.ajv.addFormat('tzinfo', true);
    for (const [template, item] of Object.entries<any>(spec.paths ?? {})) {
      for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
        const op = item[method];
        if (!op) continue;
        const key = method.toUpperCase();
        const list = this.operations.get(key) ?? [];
        list.push(this.compile(template, item, op));
        this.operations.set(key, list);
      }
    }
    for (const list of this.operations.values()) {
      // Literal paths win over templated ones (`/schedules/users` before `/schedules/{id}`).
      list.sort((a, b) => b.literalSegments - a.literalSegments);
    }
  }

  /** The problems of a request; empty when it conforms. */
  check(req: ContractRequest): string[] {
    const url = new URL(req.url, 'http://fake');
    const op = (this.operations.get(req.method.toUpperCase()) ?? []).find(o =>
      o.matcher.test(url.pathname),
    );
    if (!op) {
      return [`${req.method} ${url.pathname} is not an operation of the API`];
    }
    const problems: string[] = [];
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(',') : value;
    };

    for (const p of op.parameters.filter(x => x.in === 'header')) {
      const name = p.name.toLowerCase();
      const value = header(name);
      if (name === 'accept') {
        if (value?.replace(/\s+/g, '') !== ACCEPT) {
          problems.push(`header Accept must be ${ACCEPT} (got ${value})`);
        }
      } else if (name === 'content-type') {
        if (op.hasBody && req.body && !value?.startsWith('application/json')) {
          problems.push('header Content-Type must be application/json');
        }
      } else if (p.required && !value) {
        problems.push(`header ${p.name} is required`);
      }
    }
    if (this.spec.security?.length && !header('authorization')) {
      problems.push('header Authorization is required');
    }

    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) {
      (query[name] ??= []).push(value);
    }
    const declared = new Set(
      op.parameters.filter(p => p.in === 'query').map(p => p.name),
    );
    const candidate: Record<string, unknown> = {};
    for (const [name, values] of Object.entries(query)) {
      if (!declared.has(name)) {
        problems.push(
          `query parameter ${name} is not declared for ${op.template}`,
        );
        continue;
      }
      if (!op.arrayParams.has(name) && values.length > 1) {
        problems.push(`query parameter ${name} takes one value`);
      }
      candidate[name] = op.arrayParams.has(name) ? values : values[0];
    }
    const validate = op.validateQuery();
    if (!validate(candidate)) {
      for (const e of validate.errors ?? []) {
        const where = e.instancePath
          ? e.instancePath.slice(1).replace(/\/\d+$/, '')
          : (e.params as any).missingProperty ?? '';
        problems.push(`query parameter ${where} ${e.message}`);
      }
    }
    return problems;
  }

  private compile(template: string, item: any, op: any): Operation {
    const parameters: Parameter[] = [
      ...(item.parameters ?? []),
      ...(op.parameters ?? []),
    ].map(p => this.deref(p));
    const segments = template.split('/').filter(Boolean);
    const pattern = segments
      .map(s =>
        s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    const arrayParams = new Set<string>();
    for (const p of parameters.filter(x => x.in === 'query')) {
      const schema = this.resolveSchema(p.schema ?? {});
      const isArray = schema.type === 'array' || p.name.endsWith('[]');
      if (isArray) {
        arrayParams.add(p.name);
        const items =
          schema.type === 'array'
            ? schema.items ?? {}
            : { ...schema, uniqueItems: undefined };
        properties[p.name] = {
          type: 'array',
          items: this.resolveSchema(items),
        };
      } else {
        properties[p.name] = schema;
      }
      if (p.required) required.push(p.name);
    }
    let compiled: ValidateFunction | undefined;
    return {
      template,
      matcher: new RegExp(`^/${pattern}/?$`),
      literalSegments: segments.filter(s => !s.startsWith('{')).length,
      parameters,
      hasBody: Boolean(op.requestBody),
      arrayParams,
      validateQuery: () =>
        (compiled ??= this.ajv.compile({
          type: 'object',
          properties,
          required,
        })),
    };
  }

  private deref(node: any): any {
    let current = node;
    const seen = new Set<string>();
    while (current && typeof current.$ref === 'string') {
      if (seen.has(current.$ref)) break;
      seen.add(current.$ref);
      current = current.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce(
          (o: any, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')],
          this.spec,
        );
    }
    return current;
  }

  private resolveSchema(schema: any): any {
    const s = this.deref(schema) ?? {};
    // Drop OpenAPI-only keywords ajv would not know in strict JSON Schema.
    const { example, examples, deprecated, nullable, ...rest } = s;
    void example;
    void examples;
    void deprecated;
    if (nullable && rest.type) return { ...rest, type: [rest.type, 'null'] };
    return rest;
  }
}
