/**
 * What a person reads in the Slack client for a message, as plain text:
 * the top-level blocks (or, without blocks, the text), then each
 * attachment's pretext, title, text and blocks. mrkdwn is resolved as the
 * client shows it: `<@U…>` becomes `@Real Name`, `<#C…>` `#channel`,
 * `<url|label>` `label (url)`, and the `&lt;`, `&gt;`, `&amp;` escapes
 * their characters. Buttons read `[label](url)`, context elements are
 * joined with ` · `.
 */

interface Renderable {
  text?: string;
  blocks?: unknown[];
  attachments?: {
    pretext?: string;
    title?: string;
    title_link?: string;
    text?: string;
    blocks?: unknown[];
  }[];
}

type NameOf = (id: string) => string | undefined;

export function mrkdwn(text: string, nameOf: NameOf): string {
  return text
    .replace(/<([^<>]+)>/g, (_, inner: string) => {
      const [target, label] = inner.split('|', 2);
      if (target.startsWith('@')) {
        return `@${label ?? nameOf(target.slice(1)) ?? target.slice(1)}`;
      }
      if (target.startsWith('#')) {
        return `#${label ?? nameOf(target.slice(1)) ?? target.slice(1)}`;
      }
      if (target.startsWith('!')) return `@${label ?? target.slice(1)}`;
      return label ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textObject(value: unknown, nameOf: NameOf): string {
  const t = value as { type?: string; text?: string } | undefined;
  if (!t?.text) return '';
  return t.type === 'mrkdwn' ? mrkdwn(t.text, nameOf) : t.text;
}

function element(value: unknown, nameOf: NameOf): string {
  const e = value as {
    type?: string;
    text?: unknown;
    url?: string;
    alt_text?: string;
  };
  if (e.type === 'button') {
    const label = textObject(e.text, nameOf);
    return e.url ? `[${label}](${e.url})` : `[${label}]`;
  }
  if (e.type === 'image') return `(image: ${e.alt_text ?? ''})`;
  return textObject(e, nameOf);
}

function block(value: unknown, nameOf: NameOf): string[] {
  const b = value as {
    type?: string;
    text?: unknown;
    fields?: unknown[];
    accessory?: unknown;
    elements?: unknown[];
  };
  switch (b.type) {
    case 'header':
      return [textObject(b.text, nameOf)];
    case 'divider':
      return ['---'];
    case 'section':
      return [
        textObject(b.text, nameOf),
        ...(b.fields ?? []).map(f => textObject(f, nameOf)),
        ...(b.accessory ? [element(b.accessory, nameOf)] : []),
      ].filter(Boolean);
    case 'context':
      return [(b.elements ?? []).map(e => element(e, nameOf)).join(' · ')];
    case 'actions':
      return [(b.elements ?? []).map(e => element(e, nameOf)).join(' ')];
    default:
      return [];
  }
}

export function readable(message: Renderable, nameOf: NameOf): string {
  const lines: string[] = [];
  if (message.blocks?.length) {
    lines.push(...message.blocks.flatMap(b => block(b, nameOf)));
  } else if (message.text) {
    lines.push(mrkdwn(message.text, nameOf));
  }
  for (const a of message.attachments ?? []) {
    if (a.pretext) lines.push(mrkdwn(a.pretext, nameOf));
    if (a.title) {
      lines.push(a.title_link ? `${a.title} (${a.title_link})` : a.title);
    }
    if (a.text) lines.push(mrkdwn(a.text, nameOf));
    lines.push(...(a.blocks ?? []).flatMap(b => block(b, nameOf)));
  }
  return lines.join('\n');
}
