import { Link } from '@backstage/core-components';
import { Fragment, MouseEvent, ReactNode, useState } from 'react';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import FileCopyOutlined from '@material-ui/icons/FileCopyOutlined';
import {
  RunbookBlock,
  RunbookInline,
  RunbookTocEntry,
  safeHref,
} from '@opsportal/plugin-ops-common';

const useStyles = makeStyles(theme => ({
  doc: {
    '& p, & li': { lineHeight: 1.6 },
  },
  heading: {
    marginTop: theme.spacing(3),
    marginBottom: theme.spacing(1),
    scrollMarginTop: theme.spacing(10),
    '&:focus': { outline: 'none' },
  },
  command: {
    position: 'relative',
    margin: theme.spacing(1, 0, 2),
    background:
      theme.palette.type === 'dark'
        ? theme.palette.background.default
        : theme.palette.grey[100],
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  pre: {
    margin: 0,
    padding: theme.spacing(1.5, 6, 1.5, 1.5),
    overflowX: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    whiteSpace: 'pre',
  },
  copy: {
    position: 'absolute',
    top: theme.spacing(0.5),
    right: theme.spacing(0.5),
  },
  copied: {
    position: 'absolute',
    bottom: theme.spacing(0.5),
    right: theme.spacing(1),
    fontSize: '0.75rem',
  },
  inlineCode: {
    fontFamily: 'monospace',
    fontSize: '0.9em',
    padding: '0 4px',
    borderRadius: 3,
    background:
      theme.palette.type === 'dark'
        ? theme.palette.background.default
        : theme.palette.grey[100],
  },
  quote: {
    margin: theme.spacing(1, 0, 2),
    padding: theme.spacing(0.5, 2),
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    background: theme.palette.background.default,
  },
  table: { margin: theme.spacing(1, 0, 2), width: 'auto' },
  image: { maxWidth: '100%' },
  toc: {
    margin: 0,
    paddingLeft: theme.spacing(2),
    '& li': { margin: theme.spacing(0.5, 0) },
  },
}));

/** Where in-document links go. */
export interface RunbookLinkTargets {
  /** Path (with search) of another runbook of the entity, for links between runbooks. */
  runbookHref(id: string, anchor?: string): string;
}

/** The id of a heading on the page (prefixed so it cannot clash with the app's ids). */
export function headingElementId(id: string): string {
  return `runbook-${id}`;
}

function scrollToHeading(event: MouseEvent, id: string) {
  const target = document.getElementById(headingElementId(id));
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
  target.focus({ preventScroll: true });
}

/** A command block with a button that copies it. */
function CommandBlock(props: { text: string; language?: string }) {
  const classes = useStyles();
  const [status, setStatus] = useState<string>('');
  const firstLine = props.text.split('\n')[0];
  const copy = async () => {
    try {
      await window.navigator.clipboard.writeText(props.text);
      setStatus('Copied');
    } catch {
      setStatus('Could not copy; select the text instead');
    }
  };
  return (
    <div className={classes.command}>
      <pre
        className={classes.pre}
        // A scrollable block must be reachable by keyboard to scroll it (WCAG 2.1.1).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        aria-label={props.language ? `${props.language} commands` : 'Commands'}
      >
        <code>{props.text}</code>
      </pre>
      <Tooltip title="Copy">
        <IconButton
          size="small"
          className={classes.copy}
          aria-label={`Copy: ${firstLine}`}
          onClick={copy}
        >
          <FileCopyOutlined fontSize="small" />
        </IconButton>
      </Tooltip>
      <span role="status" className={classes.copied}>
        {status}
      </span>
    </div>
  );
}

function Inline(props: {
  nodes: RunbookInline[];
  targets: RunbookLinkTargets;
}): JSX.Element {
  const classes = useStyles();
  const { targets } = props;
  return (
    <>
      {props.nodes.map((node, index) => {
        switch (node.type) {
          case 'text':
            return <Fragment key={index}>{node.text}</Fragment>;
          case 'code':
            return (
              <code key={index} className={classes.inlineCode}>
                {node.text}
              </code>
            );
          case 'strong':
            return (
              <strong key={index}>
                <Inline nodes={node.children} targets={targets} />
              </strong>
            );
          case 'emphasis':
            return (
              <em key={index}>
                <Inline nodes={node.children} targets={targets} />
              </em>
            );
          case 'strike':
            return (
              <del key={index}>
                <Inline nodes={node.children} targets={targets} />
              </del>
            );
          case 'break':
            return <br key={index} />;
          case 'image': {
            const src = safeHref(node.src);
            if (!src || !/^https?:/.test(src)) {
              return <Fragment key={index}>{node.alt}</Fragment>;
            }
            return (
              <img
                key={index}
                src={src}
                alt={node.alt}
                loading="lazy"
                className={classes.image}
              />
            );
          }
          case 'link':
            return (
              <RunbookLink key={index} node={node} targets={targets}>
                <Inline nodes={node.children} targets={targets} />
              </RunbookLink>
            );
          default:
            return null;
        }
      })}
    </>
  );
}

function RunbookLink(props: {
  node: Extract<RunbookInline, { type: 'link' }>;
  targets: RunbookLinkTargets;
  children: ReactNode;
}) {
  const { node, targets, children } = props;
  if (node.runbookId) {
    return (
      <Link to={targets.runbookHref(node.runbookId, node.anchor)}>
        {children}
      </Link>
    );
  }
  if (node.anchor) {
    const anchor = node.anchor;
    return (
      <a
        href={`#${headingElementId(anchor)}`}
        onClick={event => scrollToHeading(event, anchor)}
      >
        {children}
      </a>
    );
  }
  // The server only sends safe URLs; checked again here all the same.
  const href = safeHref(node.href);
  if (!href) return <>{children}</>;
  if (href.startsWith('/')) {
    return <Link to={href}>{children}</Link>;
  }
  return (
    <Link to={href} target="_blank" rel="noopener noreferrer">
      {children}
    </Link>
  );
}

function Blocks(props: {
  blocks: RunbookBlock[];
  targets: RunbookLinkTargets;
}): JSX.Element {
  const classes = useStyles();
  const { targets } = props;
  return (
    <>
      {props.blocks.map((block, index) => {
        switch (block.type) {
          case 'heading': {
            // The card title is the page's h2/h3; runbook headings go below it.
            const level = Math.min(block.level + 2, 6);
            const variant = (['h5', 'h6', 'subtitle1', 'subtitle2'] as const)[
              Math.min(block.level - 1, 3)
            ];
            return (
              <Typography
                key={index}
                id={headingElementId(block.id)}
                tabIndex={-1}
                variant={variant}
                component={`h${level}` as 'h3'}
                className={classes.heading}
              >
                <Inline nodes={block.children} targets={targets} />
              </Typography>
            );
          }
          case 'paragraph':
            return (
              <Typography key={index} variant="body2" paragraph>
                <Inline nodes={block.children} targets={targets} />
              </Typography>
            );
          case 'list': {
            const items = block.items.map((item, i) => (
              <li key={i}>
                <Blocks blocks={item} targets={targets} />
              </li>
            ));
            return block.ordered ? (
              <ol key={index} start={block.start}>
                {items}
              </ol>
            ) : (
              <ul key={index}>{items}</ul>
            );
          }
          case 'code':
            return (
              <CommandBlock
                key={index}
                text={block.text}
                language={block.language}
              />
            );
          case 'blockquote':
            return (
              <blockquote key={index} className={classes.quote}>
                <Blocks blocks={block.children} targets={targets} />
              </blockquote>
            );
          case 'table':
            return (
              <Table key={index} size="small" className={classes.table}>
                <TableHead>
                  <TableRow>
                    {block.header.map((cell, i) => (
                      <TableCell key={i} align={block.align[i] ?? 'inherit'}>
                        <Inline nodes={cell} targets={targets} />
                      </TableCell>
                    ))}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {block.rows.map((row, r) => (
                    <TableRow key={r}>
                      {row.map((cell, i) => (
                        <TableCell key={i} align={block.align[i] ?? 'inherit'}>
                          <Inline nodes={cell} targets={targets} />
                        </TableCell>
                      ))}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            );
          case 'rule':
            return <hr key={index} />;
          default:
            return null;
        }
      })}
    </>
  );
}

/** A rendered runbook: its blocks as React elements, nothing as raw HTML. */
export function RunbookDocumentView(props: {
  blocks: RunbookBlock[];
  targets: RunbookLinkTargets;
}) {
  const classes = useStyles();
  return (
    <article className={classes.doc}>
      <Blocks blocks={props.blocks} targets={props.targets} />
    </article>
  );
}

/** The runbook's table of contents, as in-page links. */
export function RunbookToc(props: { toc: RunbookTocEntry[] }) {
  const classes = useStyles();
  if (props.toc.length === 0) return null;
  return (
    <nav aria-label="Table of contents">
      <Typography variant="overline" component="p">
        Contents
      </Typography>
      <ul className={classes.toc}>
        {props.toc.map(entry => (
          <li
            key={entry.id}
            style={{ marginLeft: (entry.level - 2) * 12, listStyle: 'none' }}
          >
            <Typography variant="body2" component="span">
              <a
                href={`#${headingElementId(entry.id)}`}
                onClick={event => scrollToHeading(event, entry.id)}
              >
                {entry.text}
              </a>
            </Typography>
          </li>
        ))}
      </ul>
    </nav>
  );
}
