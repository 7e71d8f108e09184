// Turn what the user typed into the gallery search box into a safe FTS5 MATCH expression.
// Every term becomes a quoted string ("" escapes a quote inside), so FTS5 operators (AND, OR, NOT, NEAR),
// column filters ("prompt:"), parentheses, carets and stars in the input are plain text, never syntax.
// Each term is a prefix query, so "astro" finds "astronaut" while the user is still typing.
// Ref: https://www.sqlite.org/fts5.html §3 (full-text query syntax: strings, prefix queries, column filters).

/** Bounds keep a pasted 64 KB prompt from turning into a 10 000-term query. */
export const MAX_SEARCH_TERMS = 16;
export const MAX_TERM_LENGTH = 64;

/** A term is kept only if the unicode61 tokenizer would see a token in it (a letter, digit or mark). */
const HAS_TOKEN_CHARACTER = /[\p{L}\p{N}\p{M}]/u;

export type SearchColumns = 'prompt' | 'prompt-and-negative';

/**
 * Returns the MATCH expression, or null when the input has nothing searchable (empty, only punctuation):
 * the caller then applies no text filter.
 */
export function toFtsMatchExpression(input: string, columns: SearchColumns = 'prompt'): string | null {
  const terms = input
    .normalize('NFKC')
    .split(/\s+/u)
    .map((term) => Array.from(term).slice(0, MAX_TERM_LENGTH).join(''))
    .filter((term) => HAS_TOKEN_CHARACTER.test(term))
    .slice(0, MAX_SEARCH_TERMS);
  if (terms.length === 0) return null;
  const expression = terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ');
  return columns === 'prompt' ? `prompt : (${expression})` : expression;
}
