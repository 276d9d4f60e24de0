import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { RunbookBlock } from '@opsportal/plugin-ops-common';
import { RunbookDocumentView, RunbookToc } from './RunbookDocumentView';

// The machine running the tests is shared; rendering MUI can be slow.
jest.setTimeout(30_000);

const targets = {
  runbookHref: (id: string) =>
    `/catalog/default/component/x/runbooks?runbook=${id}`,
};

describe('RunbookDocumentView', () => {
  it('never turns hostile content into scripts, handlers or javascript: links', async () => {
    // Content the server never sends; the view must stay safe regardless.
    const hostile: RunbookBlock[] = [
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: '<script>window.pwned = true</script>' },
          { type: 'text', text: '<img src=x onerror="window.pwned = true">' },
          {
            type: 'link',
            // eslint-disable-next-line no-script-url
            href: 'javascript:window.pwned=true',
            children: [{ type: 'text', text: 'js link' }],
          },
          {
            type: 'link',
            href: ' JaVa\tScRiPt:alert(1)',
            children: [{ type: 'text', text: 'mixed link' }],
          },
          {
            type: 'link',
            href: 'data:text/html,<script>alert(1)</script>',
            children: [{ type: 'text', text: 'data link' }],
          },
          // eslint-disable-next-line no-script-url
          { type: 'image', src: 'javascript:alert(1)', alt: 'bad image' },
          {
            type: 'link',
            href: 'https://runbooks.example/ok',
            children: [{ type: 'text', text: 'good link' }],
          },
        ],
      },
      // An unknown node type (e.g. from a newer server) renders nothing.
      { type: 'html', value: '<script>window.pwned = true</script>' } as any,
    ];
    const { container } = await renderInTestApp(
      <RunbookDocumentView blocks={hostile} targets={targets} />,
    );

    expect(container.querySelector('script, iframe, object, embed')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    for (const element of Array.from(container.querySelectorAll('*'))) {
      for (const attribute of Array.from(element.attributes)) {
        expect(attribute.name).not.toMatch(/^on/i);
        expect(attribute.value).not.toMatch(/^\s*(javascript|data|vbscript):/i);
      }
    }
    expect((window as any).pwned).toBeUndefined();
    // Shown as text, the way it was written.
    expect(
      screen.getByText(/<script>window.pwned = true<\/script>/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'js link' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'mixed link' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'data link' })).toBeNull();
    expect(
      screen.getByRole('link', { name: 'good link, Opens in a new window' }),
    ).toHaveAttribute('href', 'https://runbooks.example/ok');
  });

  it('renders headings, tables, links between runbooks and copyable commands', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.defineProperty(window.navigator, 'clipboard', {
      value: { writeText },
      configurable: true,
    });
    await renderInTestApp(
      <>
        <RunbookToc toc={[{ id: 'rollback', level: 2, text: 'Roll back' }]} />
        <RunbookDocumentView
          targets={targets}
          blocks={[
            {
              type: 'heading',
              level: 2,
              id: 'rollback',
              children: [{ type: 'text', text: 'Roll back' }],
            },
            {
              type: 'code',
              language: 'sh',
              text: 'kubectl rollout undo deployment/payment-service\nkubectl rollout status deployment/payment-service',
            },
            {
              type: 'table',
              align: ['left', 'right'],
              header: [
                [{ type: 'text', text: 'Code' }],
                [{ type: 'text', text: 'Go to' }],
              ],
              rows: [
                [
                  [{ type: 'code', text: 'DB_UNAVAILABLE' }],
                  [
                    {
                      type: 'link',
                      runbookId: 'db-failover',
                      children: [{ type: 'text', text: 'Database failover' }],
                    },
                  ],
                ],
              ],
            },
          ]}
        />
      </>,
    );

    expect(screen.getByRole('heading', { name: 'Roll back' })).toHaveAttribute(
      'id',
      'runbook-rollback',
    );
    expect(
      screen
        .getByRole('navigation', { name: 'Table of contents' })
        .querySelector('a'),
    ).toHaveAttribute('href', '#runbook-rollback');
    expect(
      screen.getByRole('cell', { name: 'DB_UNAVAILABLE' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Database failover' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/x/runbooks?runbook=db-failover',
    );

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Copy: kubectl rollout undo deployment/payment-service',
      }),
    );
    expect(writeText).toHaveBeenCalledWith(
      'kubectl rollout undo deployment/payment-service\nkubectl rollout status deployment/payment-service',
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Copied');
  });
});
