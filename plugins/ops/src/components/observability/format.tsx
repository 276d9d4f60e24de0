import MuiLink from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';

/** Control characters, and direction marks and overrides. */
const UNSHOWN = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(
    0x1f,
  )}\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]`,
);

/**
 * Upstream text (log messages, dashboard titles) as plain, single-line
 * text: control characters and the direction overrides that could make it
 * read as something else become spaces (React escapes the rest).
 */
export function plainLogText(text: string): string {
  return Array.from(text, c => (UNSHOWN.test(c) ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A link that opens in a new tab and tells screen readers so. */
export function ExternalLink(props: { href: string; children: string }) {
  return (
    <MuiLink href={props.href} target="_blank" rel="noopener noreferrer">
      {props.children}
      <Typography variant="srOnly" component="span">
        {' '}
        (opens in a new tab)
      </Typography>
    </MuiLink>
  );
}

/** Seconds as whole milliseconds; a dash when unknown. */
export function ms(seconds: number | null): string {
  return seconds === null ? '–' : `${Math.round(seconds * 1000)} ms`;
}

/** A share (0..1) as a percentage with two decimals; a dash when unknown. */
export function percent(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(2)} %`;
}
