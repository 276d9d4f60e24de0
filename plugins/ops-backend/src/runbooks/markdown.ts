import MarkdownIt from 'markdown-it';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  AlarmSeverity,
  parseSeverity,
  RunbookAlign,
  RunbookBlock,
  RunbookInline,
  RunbookTocEntry,
  safeHref,
  slugify,
} from '@opsportal/plugin-ops-common';

/** What a runbook's front matter may say. Every field is optional. */
export interface RunbookFrontMatter {
  title?: string;
  owner?: string;
  lastUpdated?: string;
  severity?: AlarmSeverity;
  alarms: string[];
  tags: string[];
}

/** A markdown runbook split into front matter and body, with what was wrong. */
export interface ParsedRunbookFile {
  frontMatter: RunbookFrontMatter;
  body: string;
  /** Messages about the front matter; the runbook is still shown. */
  problems: string[];
}

const FRONT_MATTER =
  /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

const stringList = z.union([
  z.string().transform(value =>
    value
      .split(',')
      .map(v => v.trim())
      .filter(Boolean),
  ),
  z.array(z.union([z.string(), z.number()]).transform(String)),
]);

const dateLike = z.union([
  z.string(),
  z.date().transform(d => d.toISOString()),
]);

/** Each field on its own, so one wrong field does not lose the others. */
const fields = {
  title: z.union([z.string(), z.number().transform(String)]),
  owner: z.string(),
  last_updated: dateLike,
  lastUpdated: dateLike,
  last_reviewed: dateLike,
  severity: z.string(),
  alarms: stringList,
  tags: stringList,
};

/**
 * Splits a markdown runbook into its YAML front matter and its body. Broken
 * front matter (invalid YAML, not a mapping, fields of the wrong type, a
 * date that is no date) is reported in `problems`; the body is still used.
 */
export function parseRunbookFile(content: string): ParsedRunbookFile {
  const problems: string[] = [];
  const frontMatter: RunbookFrontMatter = { alarms: [], tags: [] };
  const match = FRONT_MATTER.exec(content);
  if (!match) {
    if (/^\uFEFF?---[ \t]*\r?\n/.test(content)) {
      problems.push(
        'front matter starts with --- but is never closed by another ---',
      );
    }
    return { frontMatter, body: content, problems };
  }
  const body = content.slice(match[0].length);
  let data: unknown;
  try {
    data = parseYaml(match[1], { prettyErrors: true });
  } catch (error) {
    const first = String((error as Error).message)
      .split('\n')[0]
      .replace(/:$/, '');
    problems.push(`front matter is not valid YAML: ${first}`);
    return { frontMatter, body, problems };
  }
  if (data === null || data === undefined)
    return { frontMatter, body, problems };
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push('front matter must be a YAML mapping (key: value lines)');
    return { frontMatter, body, problems };
  }

  const record = data as Record<string, unknown>;
  const read = <K extends keyof typeof fields>(key: K) => {
    if (record[key] === undefined || record[key] === null) return undefined;
    const result = fields[key].safeParse(record[key]);
    if (!result.success) {
      problems.push(`front matter field "${key}" ${describeExpected(key)}`);
      return undefined;
    }
    return result.data as z.output<(typeof fields)[K]>;
  };

  frontMatter.title = read('title')?.trim() || undefined;
  frontMatter.owner = read('owner')?.trim() || undefined;
  const date =
    read('last_updated') ?? read('lastUpdated') ?? read('last_reviewed');
  if (date !== undefined) {
    if (Number.isNaN(Date.parse(date))) {
      problems.push(
        `front matter date "${date}" is not a date (use YYYY-MM-DD)`,
      );
    } else {
      frontMatter.lastUpdated = date;
    }
  }
  const severity = read('severity');
  if (severity !== undefined) {
    frontMatter.severity = parseSeverity(severity);
    if (!frontMatter.severity) {
      problems.push(
        `front matter severity "${severity}" is not one of P1, P2, P3, P4`,
      );
    }
  }
  frontMatter.alarms = read('alarms') ?? [];
  frontMatter.tags = read('tags') ?? [];
  return { frontMatter, body, problems };
}

function describeExpected(key: keyof typeof fields): string {
  switch (key) {
    case 'alarms':
    case 'tags':
      return 'must be a list of names';
    case 'last_updated':
    case 'lastUpdated':
    case 'last_reviewed':
      return 'must be a date (YYYY-MM-DD)';
    default:
      return 'must be text';
  }
}

/** How links inside a runbook are resolved. */
export interface LinkContext {
  /** Where the runbook was read (http(s) or file: URL). */
  baseUrl?: string;
  /** Other runbooks of the entity by file name relative to the folder read, for links between them. */
  runbookIdByName?: Map<string, string>;
  /** The runbook's own file name relative to the folder read. */
  name?: string;
}

/** A runbook body turned into the closed node set the frontend renders. */
export interface RenderedRunbook {
  blocks: RunbookBlock[];
  toc: RunbookTocEntry[];
  /** First level-1 heading, if any (the title when the front matter has none). */
  firstHeading?: string;
  headings: string[];
  /** Plain text, for search. */
  text: string;
}

type Token = ReturnType<MarkdownIt['parse']>[number];

const markdown = new MarkdownIt('default', {
  // Raw HTML stays text: it is never parsed, so it can never run.
  html: false,
  linkify: false,
  typographer: false,
});

/**
 * Renders a runbook body into {@link RunbookBlock}s. Sanitising is by
 * construction: raw HTML is not parsed (it shows as text), there is no node
 * type that carries HTML or attributes, and every link and image URL passes
 * {@link safeHref} (http, https, mailto, portal paths), so `javascript:` and
 * `data:` URLs are dropped whatever their spelling. Relative links to other
 * runbooks of the entity become in-portal links; `#anchors` point at the
 * runbook's own headings.
 */
export function renderRunbook(
  body: string,
  context: LinkContext = {},
): RenderedRunbook {
  const tokens = markdown.parse(body, {});
  const state: RenderState = {
    context,
    slugs: new Map(),
    toc: [],
    text: [],
  };
  const [blocks] = readBlocks(tokens, 0, undefined, state);
  const firstH1 = state.toc.find(entry => entry.level === 1);
  return {
    blocks,
    toc: state.toc.filter(entry => entry.level >= 2 && entry.level <= 3),
    firstHeading: firstH1?.text,
    headings: state.toc.map(entry => entry.text),
    text: state.text.join(' ').replace(/\s+/g, ' ').trim(),
  };
}

interface RenderState {
  context: LinkContext;
  slugs: Map<string, number>;
  toc: RunbookTocEntry[];
  text: string[];
}

function uniqueSlug(state: RenderState, text: string): string {
  const base = slugify(text);
  const seen = state.slugs.get(base) ?? 0;
  state.slugs.set(base, seen + 1);
  return seen === 0 ? base : `${base}-${seen + 1}`;
}

function readBlocks(
  tokens: Token[],
  start: number,
  closeType: string | undefined,
  state: RenderState,
): [RunbookBlock[], number] {
  const blocks: RunbookBlock[] = [];
  let i = start;
  while (i < tokens.length) {
    const token = tokens[i];
    if (closeType && token.type === closeType) return [blocks, i + 1];
    switch (token.type) {
      case 'heading_open': {
        const children = readInline(tokens[i + 1], state);
        const text = plainText(children);
        const id = uniqueSlug(state, text);
        const level = Number(token.tag.slice(1));
        state.toc.push({ id, level, text });
        blocks.push({ type: 'heading', level, id, children });
        i += 3;
        break;
      }
      case 'paragraph_open':
        blocks.push({
          type: 'paragraph',
          children: readInline(tokens[i + 1], state),
        });
        i += 3;
        break;
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const ordered = token.type === 'ordered_list_open';
        const close = ordered ? 'ordered_list_close' : 'bullet_list_close';
        const items: RunbookBlock[][] = [];
        let j = i + 1;
        while (j < tokens.length && tokens[j].type !== close) {
          if (tokens[j].type === 'list_item_open') {
            const [item, next] = readBlocks(
              tokens,
              j + 1,
              'list_item_close',
              state,
            );
            items.push(item);
            j = next;
          } else {
            j += 1;
          }
        }
        const startAttr = Number(token.attrGet('start') ?? '1');
        blocks.push({
          type: 'list',
          ordered,
          ...(ordered && startAttr !== 1 ? { start: startAttr } : {}),
          items,
        });
        i = j + 1;
        break;
      }
      case 'blockquote_open': {
        const [children, next] = readBlocks(
          tokens,
          i + 1,
          'blockquote_close',
          state,
        );
        blocks.push({ type: 'blockquote', children });
        i = next;
        break;
      }
      case 'fence':
      case 'code_block': {
        const language = token.info.trim().split(/\s+/)[0] || undefined;
        const text = token.content.replace(/\n$/, '');
        state.text.push(text);
        blocks.push({
          type: 'code',
          ...(language ? { language: language.slice(0, 32) } : {}),
          text,
        });
        i += 1;
        break;
      }
      case 'hr':
        blocks.push({ type: 'rule' });
        i += 1;
        break;
      case 'table_open': {
        const [table, next] = readTable(tokens, i + 1, state);
        blocks.push(table);
        i = next;
        break;
      }
      case 'html_block':
        // Not produced with html disabled; kept as text should that change.
        blocks.push({
          type: 'paragraph',
          children: [{ type: 'text', text: token.content }],
        });
        i += 1;
        break;
      default:
        i += 1;
    }
  }
  return [blocks, i];
}

function readTable(
  tokens: Token[],
  start: number,
  state: RenderState,
): [RunbookBlock, number] {
  const align: RunbookAlign[] = [];
  const header: RunbookInline[][] = [];
  const rows: RunbookInline[][][] = [];
  let row: RunbookInline[][] | undefined;
  let inHead = false;
  let i = start;
  for (; i < tokens.length && tokens[i].type !== 'table_close'; i++) {
    const token = tokens[i];
    if (token.type === 'thead_open') inHead = true;
    else if (token.type === 'thead_close') inHead = false;
    else if (token.type === 'tr_open') row = [];
    else if (token.type === 'tr_close' && row) {
      if (!inHead) rows.push(row);
      row = undefined;
    } else if (token.type === 'th_open' || token.type === 'td_open') {
      const cell = readInline(tokens[i + 1], state);
      if (inHead) {
        header.push(cell);
        const style = token.attrGet('style') ?? '';
        const found = /text-align:(left|center|right)/.exec(style);
        align.push(found ? (found[1] as RunbookAlign) : undefined);
      } else {
        row?.push(cell);
      }
    }
  }
  return [{ type: 'table', align, header, rows }, i + 1];
}

function readInline(
  token: Token | undefined,
  state: RenderState,
): RunbookInline[] {
  if (!token || token.type !== 'inline') return [];
  const root: RunbookInline[] = [];
  const stack: {
    node?: RunbookInline & { children: RunbookInline[] };
    list: RunbookInline[];
  }[] = [{ list: root }];
  const top = () => stack[stack.length - 1].list;
  const open = (node: RunbookInline & { children: RunbookInline[] }) => {
    top().push(node);
    stack.push({ node, list: node.children });
  };
  const close = () => {
    if (stack.length > 1) stack.pop();
  };

  for (const child of token.children ?? []) {
    switch (child.type) {
      case 'text':
      case 'html_inline':
        pushText(top(), child.content);
        state.text.push(child.content);
        break;
      case 'code_inline':
        top().push({ type: 'code', text: child.content });
        state.text.push(child.content);
        break;
      case 'softbreak':
        pushText(top(), ' ');
        break;
      case 'hardbreak':
        top().push({ type: 'break' });
        break;
      case 'strong_open':
        open({ type: 'strong', children: [] });
        break;
      case 'em_open':
        open({ type: 'emphasis', children: [] });
        break;
      case 's_open':
        open({ type: 'strike', children: [] });
        break;
      case 'link_open':
        open({
          type: 'link',
          ...resolveLink(child.attrGet('href') ?? '', state.context),
          children: [],
        });
        break;
      case 'strong_close':
      case 'em_close':
      case 's_close':
        close();
        break;
      case 'link_close': {
        const frame = stack[stack.length - 1];
        close();
        // A link whose target was refused keeps its text, without the link.
        const node = frame.node;
        if (
          node &&
          node.type === 'link' &&
          !node.href &&
          !node.runbookId &&
          !node.anchor
        ) {
          const list = top();
          list.splice(list.indexOf(node), 1, ...node.children);
        }
        break;
      }
      case 'image': {
        const src = imageSource(child.attrGet('src') ?? '', state.context);
        const alt =
          child.content || child.children?.map(c => c.content).join('') || '';
        if (src) top().push({ type: 'image', src, alt });
        else if (alt) pushText(top(), alt);
        break;
      }
      default:
        if (child.content) pushText(top(), child.content);
    }
  }
  return root;
}

function pushText(list: RunbookInline[], text: string) {
  const last = list[list.length - 1];
  if (last && last.type === 'text') last.text += text;
  else list.push({ type: 'text', text });
}

function resolveLink(
  raw: string,
  context: LinkContext,
): { href?: string; runbookId?: string; anchor?: string } {
  const href = raw.trim();
  if (href.startsWith('#')) {
    return href.length > 1
      ? { anchor: slugify(decodeSafely(href.slice(1))) }
      : {};
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) {
    const safe = safeHref(href);
    return safe && !safe.startsWith('/') ? { href: safe } : {};
  }
  // Relative: another runbook of the entity, or a file next to this one.
  const [pathPart, hash] = href.split('#', 2);
  if (context.runbookIdByName && pathPart) {
    const name = joinRelative(context.name ?? '', pathPart);
    const runbookId = name ? context.runbookIdByName.get(name) : undefined;
    if (runbookId) {
      return {
        runbookId,
        ...(hash ? { anchor: slugify(decodeSafely(hash)) } : {}),
      };
    }
  }
  if (context.baseUrl && /^https?:/i.test(context.baseUrl)) {
    try {
      const safe = safeHref(new URL(href, context.baseUrl).href);
      return safe ? { href: safe } : {};
    } catch {
      return {};
    }
  }
  return {};
}

function imageSource(raw: string, context: LinkContext): string | undefined {
  let absolute = raw.trim();
  if (!/^https?:/i.test(absolute)) {
    if (!context.baseUrl || !/^https?:/i.test(context.baseUrl))
      return undefined;
    try {
      absolute = new URL(absolute, context.baseUrl).href;
    } catch {
      return undefined;
    }
  }
  const safe = safeHref(absolute);
  return safe && /^https?:/i.test(safe) ? safe : undefined;
}

/** `a/b.md` + `../c.md` → `c.md`; undefined when it leaves the folder. */
function joinRelative(from: string, relative: string): string | undefined {
  const parts = from.split('/').slice(0, -1);
  for (const segment of decodeSafely(relative).split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  return parts.join('/');
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function plainText(nodes: RunbookInline[]): string {
  return nodes
    .map(node => {
      switch (node.type) {
        case 'text':
        case 'code':
          return node.text;
        case 'image':
          return node.alt;
        case 'break':
          return ' ';
        default:
          return plainText(node.children);
      }
    })
    .join('')
    .trim();
}
