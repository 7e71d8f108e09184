// Expected values are CPython 3.11 html.unescape outputs for the same inputs.
import { describe, expect, it } from 'vitest';
import { htmlUnescape } from '../../../../../main/engine/models/clip/html-unescape';

const CASES: [string, string][] = [
  ['no entities', 'no entities'],
  ['a & b', 'a & b'],
  ['&amp;', '&'],
  ['&AMP;', '&'],
  ['&&amp;;', '&&;'],
  // Legacy names work without ';', and the longest legacy prefix of an unknown name is decoded.
  ['&amp', '&'],
  ['&ampfoo', '&foo'],
  ['&notin;', '∉'],
  ['&notin', '¬in'],
  ['&notit;', '¬it;'],
  ['&foo;', '&foo;'],
  ['&CounterClockwiseContourIntegral;', '∳'],
  // Numeric references, decimal and hex, with or without ';'.
  ['&#65;', 'A'],
  ['&#65', 'A'],
  ['&#x41;', 'A'],
  ['&#X41g', 'Ag'],
  ['&#;', '&#;'],
  ['&#x;', '&#x;'],
  // CPython's replacement table, U+FFFD for invalid numbers, and removal of controls and noncharacters.
  ['&#0;', '\ufffd'],
  ['&#13;', '\r'],
  ['&#128;', '€'],
  ['&#x81;', '\x81'],
  ['&#1;', ''],
  ['&#x7f;', ''],
  ['&#xfdd0;', ''],
  ['&#xffff;', ''],
  ['&#xd800;', '\ufffd'],
  ['&#x110000;', '\ufffd'],
  ['&#99999999999999999999;', '\ufffd'],
];

describe('htmlUnescape (Python html.unescape)', () => {
  it.each(CASES)('%j -> %j', (input, expected) => {
    expect(htmlUnescape(input)).toBe(expected);
  });
});
