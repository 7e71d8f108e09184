// The text cleaning OpenAI's CLIP tokenizer applies before splitting a prompt into words:
//   whitespace_clean(basic_clean(text)).lower()
//   basic_clean(t)      = html.unescape(html.unescape(ftfy.fix_text(t))).strip()
//   whitespace_clean(t) = regex.sub(r'\s+', ' ', t).strip()
// Ref: openai/CLIP clip/simple_tokenizer.py (basic_clean, whitespace_clean, SimpleTokenizer.encode).
//
// ftfy.fix_text is the identity here, as in the reference data (shared/reference/tiny-sd1, section 3):
// ftfy only repairs mojibake, ligatures, full-width forms and the like, which typed prompts rarely contain,
// and porting its heuristics would make ids depend on a second large library. Prompts that ftfy would
// change (e.g. "ﬁ" ligatures, "Ã©" mojibake) therefore tokenize as written.

import { htmlUnescape } from './html-unescape';
import { PY_REGEX_SPACE_CLASS, pyStrip } from './python-text';

const WHITESPACE_RUN = new RegExp(`[${PY_REGEX_SPACE_CLASS}]+`, 'gu');

/** Clean a prompt exactly like simple_tokenizer.py does before its word-splitting regex. */
export function cleanText(text: string): string {
  const basic = pyStrip(htmlUnescape(htmlUnescape(text)));
  // str.lower() and toLowerCase() are both the full Unicode lower-case mapping (final sigma included).
  return pyStrip(basic.replace(WHITESPACE_RUN, ' ')).toLowerCase();
}
