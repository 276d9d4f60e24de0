import { z } from 'zod';
import { codePointLabel, findTextProblem, textPolicy } from './text';

const problem = (value: string, kind: 'single-line' | 'multi-line') =>
  findTextProblem(value, kind)?.message;

describe('the text policy', () => {
  it('refuses C0, DEL and C1 control characters, naming them and where they are', () => {
    expect(problem('Deploy\u0007 now', 'single-line')).toBe(
      'contains a control character (U+0007) at position 7',
    );
    expect(problem('\u001b[31mred', 'multi-line')).toBe(
      'contains a control character (U+001B) at position 1',
    );
    expect(problem('a\u0000b', 'multi-line')).toBe(
      'contains a control character (U+0000) at position 2',
    );
    expect(problem('x\u007f', 'single-line')).toBe(
      'contains a control character (U+007F) at position 2',
    );
    expect(problem('next\u0085line', 'multi-line')).toBe(
      'contains a control character (U+0085) at position 5',
    );
    expect(problem('\u009f', 'multi-line')).toBe(
      'contains a control character (U+009F) at position 1',
    );
    // The first of several is named.
    expect(findTextProblem('ab\u0001\u0002', 'single-line')).toEqual({
      codePoint: 1,
      position: 3,
      message: 'contains a control character (U+0001) at position 3',
    });
  });

  it('allows tabs and line breaks in multi-line text only', () => {
    const plan = 'Steps:\n\t1. drain\r\n\t2. migrate\r3. undrain';
    expect(findTextProblem(plan, 'multi-line')).toBeUndefined();
    expect(problem('Add\tindex', 'single-line')).toBe(
      'contains a tab (U+0009) at position 4, which a single-line field does not allow',
    );
    expect(problem('Add index\n', 'single-line')).toBe(
      'contains a line break (U+000A) at position 10, which a single-line field does not allow',
    );
    expect(problem('Add\r\nindex', 'single-line')).toBe(
      'contains a line break (U+000D) at position 4, which a single-line field does not allow',
    );
  });

  it('refuses bidi overrides, embeddings and isolates but allows the direction marks', () => {
    // "txt.exe" made to display as "exe.txt".
    expect(problem('invoice\u202Etxt.exe', 'single-line')).toBe(
      'contains a bidirectional text control (U+202E) at position 8, which can make the text read differently from what is stored',
    );
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x2066, 0x2067, 0x2068]) {
      expect(
        findTextProblem(`a${String.fromCharCode(cp)}b`, 'multi-line'),
      ).toMatchObject({ codePoint: cp, position: 2 });
    }
    expect(problem('\u2069', 'multi-line')).toMatch(
      /^contains a bidirectional text control \(U\+2069\) at position 1/,
    );
    expect(
      findTextProblem('שלום \u200Fabc\u200E עולם', 'single-line'),
    ).toBeUndefined();
  });

  it('refuses unpaired surrogates and counts a valid pair as one character', () => {
    expect(problem('ab\ud83d', 'single-line')).toBe(
      'contains an unpaired surrogate (U+D83D) at position 3, which is half of a character and cannot be stored',
    );
    expect(problem('\ud83dx', 'multi-line')).toMatch(
      /^contains an unpaired surrogate \(U\+D83D\) at position 1,/,
    );
    expect(problem('a\ude00b', 'multi-line')).toMatch(
      /^contains an unpaired surrogate \(U\+DE00\) at position 2,/,
    );
    // A low surrogate before a high one is two halves, not a pair.
    expect(problem('\ude00\ud83d', 'multi-line')).toMatch(
      /\(U\+DE00\) at position 1/,
    );
    expect(findTextProblem('Ship it 🚀🎉 👩‍💻', 'single-line')).toBeUndefined();
    expect(problem('🚀\u0007', 'single-line')).toBe(
      'contains a control character (U+0007) at position 2',
    );
  });

  it('accepts ordinary text in any script', () => {
    for (const value of [
      '',
      'Add an index',
      'Ünïcödé – “quotes” €',
      '变更管理',
    ]) {
      expect(findTextProblem(value, 'single-line')).toBeUndefined();
    }
  });

  it('works as a zod check', () => {
    const schema = z.object({
      title: z.string().superRefine(textPolicy('single-line')),
    });
    const result = schema.safeParse({ title: 'a\u0007' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([
      {
        path: ['title'],
        message: 'contains a control character (U+0007) at position 2',
      },
    ]);
    expect(codePointLabel(0x1f680)).toBe('U+1F680');
  });
});
