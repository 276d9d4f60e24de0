import { z } from 'zod';

/**
 * What text people may write into the portal (docs/changes.md, "What text is
 * accepted"). One rule for the API and the forms, so both refuse the same
 * input with the same words:
 *
 * - no control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1
 *   (U+0080–U+009F); a `multi-line` field allows tab, line feed and carriage
 *   return;
 * - no bidirectional embedding, override or isolate controls (U+202A–U+202E,
 *   U+2066–U+2069): they make text display in an order other than the one
 *   stored, so what a reviewer reads is not what was written. The
 *   left-to-right and right-to-left marks (U+200E, U+200F) only nudge
 *   neutral characters and are allowed;
 * - no unpaired surrogates: half of a UTF-16 pair is not a character, cannot
 *   be stored as UTF-8 and would be silently replaced.
 *
 * Text is refused, never rewritten: what is stored is what was sent.
 */

/** `single-line`: titles, ids, refs, query values; `multi-line`: descriptions, plans, comments. @public */
export type TextKind = 'single-line' | 'multi-line';

/** The first character a text may not contain. @public */
export interface TextProblem {
  /** The character's code point (a lone surrogate's own value). */
  codePoint: number;
  /** Where it is: the 1-based character count (a surrogate pair counts once). */
  position: number;
  /** E.g. `contains a control character (U+0007) at position 12`. */
  message: string;
}

/** "U+0007" @public */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
const isControl = (cp: number) => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
const isBidiControl = (cp: number) =>
  (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);

/** What a refused character is, and why, if not plain from that. */
function refusal(
  unit: number,
  kind: TextKind,
): { what: string; why?: string } | undefined {
  if (unit === 0x09 || unit === 0x0a || unit === 0x0d) {
    if (kind === 'multi-line') return undefined;
    return {
      what: unit === 0x09 ? 'a tab' : 'a line break',
      why: 'which a single-line field does not allow',
    };
  }
  if (isControl(unit)) return { what: 'a control character' };
  if (isBidiControl(unit)) {
    return {
      what: 'a bidirectional text control',
      why: 'which can make the text read differently from what is stored',
    };
  }
  if (isHigh(unit) || isLow(unit)) {
    return {
      what: 'an unpaired surrogate',
      why: 'which is half of a character and cannot be stored',
    };
  }
  return undefined;
}

/**
 * The first character of `value` that the text policy refuses, or
 * `undefined` when the whole text is acceptable.
 * @public
 */
export function findTextProblem(
  value: string,
  kind: TextKind,
): TextProblem | undefined {
  let position = 0;
  for (let i = 0; i < value.length; i++) {
    position++;
    const unit = value.charCodeAt(i);
    if (isHigh(unit) && isLow(value.charCodeAt(i + 1))) {
      i++; // A valid pair: one character outside the refused ranges.
      continue;
    }
    const refused = refusal(unit, kind);
    if (refused) {
      const label = codePointLabel(unit);
      return {
        codePoint: unit,
        position,
        message: `contains ${refused.what} (${label}) at position ${position}${
          refused.why ? `, ${refused.why}` : ''
        }`,
      };
    }
  }
  return undefined;
}

/**
 * The text policy as a zod check: `z.string().superRefine(textPolicy('single-line'))`.
 * The issue's message names the character and where it is; the field's name
 * comes from the issue's path.
 * @public
 */
export function textPolicy(kind: TextKind) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = findTextProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
  };
}
