import fs from 'node:fs';
import path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks requests against PagerDuty's published OpenAPI descriptions of REST
 * API v2 (shared/contracts/pagerduty/rest-openapiv3.json) and of the Events
 * API v2 (events-v2-openapiv3.json beside it), referenced by path, never
 * copied: the path and method must exist, every query parameter must be
 * declared and match its schema, required parameters and headers must be
 * present and match their schemas (`From` is an email), a JSON body must
 * match the operation's request body schema, and the `Accept` header must
 * ask for version 2 where the operation declares it.
 *
 * The published REST file has four known quirks, handled here so that correct
 * requests pass:
 * - `Content-Type` is declared required on every request: it is only
 *   required when there is a body;
 * - responses are declared as `application/json` while the API is called
 *   with `Accept: application/vnd.pagerduty+json;version=2`: that is the
 *   Accept value required;
 * - array parameters (`statuses[]`, `include[]`) are sometimes declared as a
 *   single string: a parameter whose name ends in `[]` takes one or more
 *   values of the declared item schema;
 * - some date parameters (`since` of the change events lists) carry the
 *   layout `YYYY-MM-DDThh:mm:ssZ` as their `pattern`, which no date
 *   matches as a regular expression: such patterns are dropped.
 */

const CONTRACTS_IN_SHARED = path.join('shared', 'contracts', 'pagerduty');

/**
 * Where a spec file is: `shared/contracts/pagerduty/<file>` in the nearest
 * folder above the repository that has it (the repository's sibling
 * `shared/` in the workspace it is developed in). The fakes only ever run
 * from source, so `__dirname` is this file's folder.
 */
function findSpec(file: string): string {
  const inShared = path.join(CONTRACTS_IN_SHARED, file);
  // eslint-disable-next-line no-restricted-syntax
  const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
  let dir = path.dirname(repoRoot);
  for (;;) {
    const candidate = path.join(dir, inShared);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(path.dirname(repoRoot), inShared);
}

/** Where the REST spec is: `PAGERDUTY_REST_SPEC` when set, else found in `shared/`. */
export function defaultSpecPath(): string {
  return process.env.PAGERDUTY_REST_SPEC ?? findSpec('rest-openapiv3.json');
}

/** Where the Events API v2 spec is: `PAGERDUTY_EVENTS_SPEC` when set, else found in `shared/`. */
export function defaultEventsSpecPath(): string {
  return (
    process.env.PAGERDUTY_EVENTS_SPEC ?? findSpec('events-v2-openapiv3.json')
  );
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
  /** Whether the operation says a body must be sent. */
  bodyRequired: boolean;
  arrayParams: Set<string>;
  /** The query schema, compiled on first use. */
  validateQuery: () => ValidateFunction;
  /** The JSON request body schema, compiled on first use; undefined without one. */
  validateBody?: () => ValidateFunction;
}

/** A request as the validator needs it. */
export interface ContractRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: string;
}

/**
 * A `pattern` that shows a date's layout (`YYYY-MM-DDThh:mm:ssZ`) instead
 * of being a regular expression: no real date matches it, so it is dropped
 * (`format: date-time` still checks the value).
 */
function isPlaceholderPattern(pattern: unknown): boolean {
  return typeof pattern === 'string' && /YYYY|hh:mm/.test(pattern);
}

/** The id under which the spec document is known to ajv (its `$ref`s resolve within it). */
const SPEC_ID = 'pagerduty-spec';

/**
 * Validates requests against one of PagerDuty's API descriptions: the REST
 * API (`load`) or the Events API v2 (`loadEvents`). Paths are matched below
 * the path of the spec's first server (`/v2` for the Events API).
 */
export class PagerDutyContract {
  private readonly operations = new Map<string, Operation[]>();
  /** Query and header values: strings coerced to the declared types. */
  private readonly ajv: Ajv;
  /** Bodies: JSON as sent, nothing coerced. */
  private readonly bodyAjv: Ajv;
  private readonly basePath: string;
  private readonly headerValidators = new Map<string, ValidateFunction>();

  /** Loads the REST spec; undefined when the file is absent (validation is then skipped). */
  static load(specPath = defaultSpecPath()): PagerDutyContract | undefined {
    if (!fs.existsSync(specPath)) return undefined;
    return new PagerDutyContract(JSON.parse(fs.readFileSync(specPath, 'utf8')));
  }

  /** Loads the Events API v2 spec; undefined when the file is absent. */
  static loadEvents(
    specPath = defaultEventsSpecPath(),
  ): PagerDutyContract | undefined {
    return PagerDutyContract.load(specPath);
  }

  constructor(private readonly spec: any) {
    const make = (coerce: boolean) => {
      const ajv = new Ajv({
        strict: false,
        allErrors: true,
        coerceTypes: coerce ? 'array' : false,
        useDefaults: false,
        // The spec is an OpenAPI document, not a JSON Schema (`required: true`
        // on parameters): its schemas are used, the document is not checked.
        validateSchema: false,
      });
      addFormats(ajv);
      // PagerDuty-specific formats that carry no checkable rule here.
      ajv.addFormat('tzinfo', true);
      ajv.addFormat('url', true);
      return ajv;
    };
    this.ajv = make(true);
    this.bodyAjv = make(false);
    this.bodyAjv.addSchema(this.openApiToJsonSchema(spec), SPEC_ID);
    const server = spec.servers?.[0]?.url;
    this.basePath = server
      ? new URL(server, 'http://fake').pathname.replace(/\/+$/, '')
      : '';
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
    const pathname =
      this.basePath && url.pathname.startsWith(`${this.basePath}/`)
        ? url.pathname.slice(this.basePath.length)
        : url.pathname;
    const op =
      this.basePath && pathname === url.pathname
        ? undefined
        : (this.operations.get(req.method.toUpperCase()) ?? []).find(o =>
            o.matcher.test(pathname),
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
      } else if (value && p.schema) {
        const validate = this.headerValidator(op, p);
        if (!validate(value)) {
          problems.push(
            `header ${p.name} ${validate.errors?.[0]?.message ?? 'is invalid'}`,
          );
        }
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
    problems.push(...this.checkBody(op, req.body));
    return problems;
  }

  private headerValidator(op: Operation, p: Parameter): ValidateFunction {
    const key = `${op.template}|${p.name}`;
    let validate = this.headerValidators.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.resolveSchema(p.schema));
      this.headerValidators.set(key, validate);
    }
    return validate;
  }

  /** A JSON body against the operation's request body schema. */
  private checkBody(op: Operation, body: string | undefined): string[] {
    if (!body && op.bodyRequired) return ['a request body is required'];
    if (!op.validateBody) return [];
    // No body is checked as an empty object: its required properties are missing.
    let parsed: unknown = {};
    try {
      if (body) parsed = JSON.parse(body);
    } catch {
      return ['the request body is not JSON'];
    }
    const validate = op.validateBody();
    if (validate(parsed)) return [];
    return (validate.errors ?? []).map(e => {
      const where = e.instancePath ? `body${e.instancePath}` : 'body';
      const missing = (e.params as any).missingProperty;
      return missing
        ? `${where} must have required property ${missing}`
        : `${where} ${e.message}`;
    });
  }

  /**
   * The spec as a JSON Schema document for ajv: OpenAPI's `nullable` is
   * turned into a null type, and `readOnly` properties are not required
   * in requests (they are answered, never sent).
   */
  private openApiToJsonSchema(node: any): any {
    if (Array.isArray(node)) return node.map(n => this.openApiToJsonSchema(n));
    if (!node || typeof node !== 'object') return node;
    const out: any = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples' || key === 'discriminator') {
        continue;
      }
      out[key] = this.openApiToJsonSchema(value);
    }
    if (isPlaceholderPattern(out.pattern)) delete out.pattern;
    if (out.nullable === true && typeof out.type === 'string') {
      out.type = [out.type, 'null'];
    }
    delete out.nullable;
    if (Array.isArray(out.required) && out.properties) {
      out.required = out.required.filter(
        (name: string) => out.properties[name]?.readOnly !== true,
      );
    }
    return out;
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
    let compiledBody: ValidateFunction | undefined;
    const requestBody = op.requestBody ? this.deref(op.requestBody) : undefined;
    const bodySchema = requestBody?.content?.['application/json']?.schema;
    const pointer = (...keys: string[]) =>
      keys.map(k => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const method = Object.keys(item).find(m => item[m] === op)!;
    const bodyRef =
      typeof op.requestBody?.$ref === 'string'
        ? `${SPEC_ID}${op.requestBody.$ref}/${pointer(
            'content',
            'application/json',
            'schema',
          )}`
        : `${SPEC_ID}#/${pointer(
            'paths',
            template,
            method,
            'requestBody',
            'content',
            'application/json',
            'schema',
          )}`;
    return {
      template,
      matcher: new RegExp(`^/${pattern}/?$`),
      literalSegments: segments.filter(s => !s.startsWith('{')).length,
      parameters,
      hasBody: Boolean(op.requestBody),
      bodyRequired: requestBody?.required === true,
      arrayParams,
      validateBody: bodySchema
        ? () => (compiledBody ??= this.bodyAjv.compile({ $ref: bodyRef }))
        : undefined,
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
    if (isPlaceholderPattern(rest.pattern)) delete rest.pattern;
    if (nullable && rest.type) return { ...rest, type: [rest.type, 'null'] };
    return rest;
  }
}
