import { RunbookBlock, RunbookInline } from '@opsportal/plugin-ops-common';
import { parseRunbookFile, renderRunbook } from './markdown';

/** Every link, image and text of a rendered tree, flattened. */
function walk(blocks: RunbookBlock[]) {
  const links: { href?: string; runbookId?: string; anchor?: string }[] = [];
  const images: string[] = [];
  const texts: string[] = [];
  const inline = (nodes: RunbookInline[]) => {
    for (const node of nodes) {
      if (node.type === 'text' || node.type === 'code') texts.push(node.text);
      else if (node.type === 'image') images.push(node.src);
      else if (node.type === 'link') {
        links.push({
          href: node.href,
          runbookId: node.runbookId,
          anchor: node.anchor,
        });
        inline(node.children);
      } else if ('children' in node) inline(node.children);
    }
  };
  const block = (nodes: RunbookBlock[]) => {
    for (const node of nodes) {
      switch (node.type) {
        case 'heading':
        case 'paragraph':
          inline(node.children);
          break;
        case 'list':
          node.items.forEach(block);
          break;
        case 'blockquote':
          block(node.children);
          break;
        case 'table':
          node.header.forEach(inline);
          node.rows.forEach(row => row.forEach(inline));
          break;
        case 'code':
          texts.push(node.text);
          break;
        default:
      }
    }
  };
  block(blocks);
  return { links, images, texts };
}

describe('parseRunbookFile', () => {
  it('reads the documented front matter', () => {
    const parsed = parseRunbookFile(
      [
        '---',
        'title: Payment processing failures',
        'owner: group:default/dev-team',
        'last_updated: 2026-10-14',
        'severity: critical',
        'alarms:',
        '  - payment-service-processing-failures',
        'tags: payments, gateway',
        '---',
        '# Body',
      ].join('\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.frontMatter).toEqual({
      title: 'Payment processing failures',
      owner: 'group:default/dev-team',
      lastUpdated: '2026-10-14',
      severity: 'P1',
      alarms: ['payment-service-processing-failures'],
      tags: ['payments', 'gateway'],
    });
    expect(parsed.body).toBe('# Body');
  });

  it('reports broken YAML and keeps the body', () => {
    const parsed = parseRunbookFile('---\ntitle: [oops\n---\n# Still here\n');
    expect(parsed.problems).toEqual([
      expect.stringMatching(/^front matter is not valid YAML: .*line 1/),
    ]);
    expect(parsed.body).toBe('# Still here\n');
  });

  it('names each wrong field and keeps the right ones', () => {
    const parsed = parseRunbookFile(
      '---\ntitle: Fine\nalarms: {a: 1}\nlast_updated: last tuesday\nseverity: P7\n---\n',
    );
    expect(parsed.frontMatter.title).toBe('Fine');
    expect(parsed.frontMatter.alarms).toEqual([]);
    expect(parsed.problems).toEqual([
      'front matter date "last tuesday" is not a date (use YYYY-MM-DD)',
      'front matter severity "P7" is not one of P1, P2, P3, P4',
      'front matter field "alarms" must be a list of names',
    ]);
  });

  it('says so when the front matter is a list or never closed', () => {
    expect(parseRunbookFile('---\n- a\n- b\n---\n').problems).toEqual([
      'front matter must be a YAML mapping (key: value lines)',
    ]);
    expect(parseRunbookFile('---\ntitle: x\n# no end').problems).toEqual([
      'front matter starts with --- but is never closed by another ---',
    ]);
  });

  it('takes a file without front matter as body only', () => {
    expect(parseRunbookFile('# Just markdown')).toEqual({
      frontMatter: { alarms: [], tags: [] },
      body: '# Just markdown',
      problems: [],
    });
  });
});

describe('renderRunbook', () => {
  const hostile = [
    '# Hostile runbook',
    '',
    '<script>alert("xss")</script>',
    '',
    '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)" onclick="alert(3)">html link</a>',
    '',
    '[plain](javascript:alert(4)) [mixed case](JaVaScRiPt:alert(5)) [tab](java\tscript:alert(6))',
    '[entity](&#106;avascript:alert(7)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:x)',
    '[file](file:///etc/passwd) [proto](//evil.example/)',
    '',
    '![img](javascript:alert(8)) ![svg](data:image/svg+xml,<svg onload=alert(9)>)',
    '',
    '<iframe src="https://evil.example"></iframe>',
    '',
    '[good](https://runbooks.example/ok) [mail](mailto:sre@example.com)',
  ].join('\n');

  it('turns hostile markdown into text and safe links only', () => {
    const { blocks } = renderRunbook(hostile);
    const { links, images, texts } = walk(blocks);

    // Only the two safe links survive as links.
    expect(links).toEqual([
      { href: 'https://runbooks.example/ok' },
      { href: 'mailto:sre@example.com' },
    ]);
    expect(images).toEqual([]);
    // Raw HTML is shown as text, never parsed into elements.
    expect(texts.join('')).toContain('<script>alert("xss")</script>');
    // No node kind can carry HTML or attributes.
    const json = JSON.stringify(blocks);
    expect(json).not.toMatch(/"type":"(html|html_inline|html_block)"/);
    expect(json).not.toMatch(/"(href|src)":"(javascript|data|vbscript|file):/i);
    expect(json).not.toMatch(/onerror"|onclick"|onload"/);
  });

  it('builds a table of contents with unique anchors', () => {
    const result = renderRunbook(
      '# Title\n\n## Check\n\n### Step\n\n## Check\n\n#### Deep\n',
    );
    expect(result.firstHeading).toBe('Title');
    expect(result.toc).toEqual([
      { id: 'check', level: 2, text: 'Check' },
      { id: 'step', level: 3, text: 'Step' },
      { id: 'check-2', level: 2, text: 'Check' },
    ]);
    expect(result.headings).toEqual([
      'Title',
      'Check',
      'Step',
      'Check',
      'Deep',
    ]);
  });

  it('keeps command blocks with their language, lists and tables', () => {
    const { blocks, text } = renderRunbook(
      [
        '1. Roll back:',
        '',
        '   ```sh',
        '   kubectl rollout undo deployment/payment-service',
        '   ```',
        '2. Watch',
        '',
        '| Code | Cause |',
        '| :--- | ----: |',
        '| `DB` | failover |',
      ].join('\n'),
    );
    expect(blocks[0]).toMatchObject({
      type: 'list',
      ordered: true,
      items: [
        [
          { type: 'paragraph' },
          {
            type: 'code',
            language: 'sh',
            text: 'kubectl rollout undo deployment/payment-service',
          },
        ],
        [{ type: 'paragraph' }],
      ],
    });
    expect(blocks[1]).toEqual({
      type: 'table',
      align: ['left', 'right'],
      header: [
        [{ type: 'text', text: 'Code' }],
        [{ type: 'text', text: 'Cause' }],
      ],
      rows: [
        [[{ type: 'code', text: 'DB' }], [{ type: 'text', text: 'failover' }]],
      ],
    });
    expect(text).toContain('kubectl rollout undo');
  });

  it('links other runbooks of the entity, anchors, and repository files', () => {
    const { blocks } = renderRunbook(
      '[db](./db-failover.md#during-the-failover) [top](#Check-It) [other](../../etc/passwd) [img](diagram.png) ![d](diagram.png)',
      {
        name: 'payment/failures.md',
        baseUrl:
          'https://git.example/org/repo/blob/main/runbooks/payment/failures.md',
        runbookIdByName: new Map([['payment/db-failover.md', 'db-failover']]),
      },
    );
    const { links, images } = walk(blocks);
    expect(links).toEqual([
      { runbookId: 'db-failover', anchor: 'during-the-failover' },
      { anchor: 'check-it' },
      { href: 'https://git.example/org/repo/blob/main/etc/passwd' },
      {
        href: 'https://git.example/org/repo/blob/main/runbooks/payment/diagram.png',
      },
    ]);
    expect(images).toEqual([
      'https://git.example/org/repo/blob/main/runbooks/payment/diagram.png',
    ]);
  });

  it('drops relative links of runbooks read from disk', () => {
    const { links } = walk(
      renderRunbook('[x](./notes.txt)', {
        name: 'a.md',
        baseUrl: 'file:///srv/repo/runbooks/a.md',
        runbookIdByName: new Map(),
      }).blocks,
    );
    expect(links).toEqual([]);
  });
});
