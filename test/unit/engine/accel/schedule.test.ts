import { describe, expect, it } from 'vitest';
import {
  cachedKinds, countKinds, DATO_COCO_STRATEGY, DATO_SEARCHED_STRATEGY, formatSchedule, kindsFromStrategy,
  parseScheduleString, resampleKinds, resampleValues, STEP_KINDS,
} from '../../../../main/engine/accel/schedule';

const letters = (k: readonly string[]): string => k.map((x) => (x === 'full' ? 'F' : x === 'shallow' ? 's' : '.')).join('');

describe('official strategies', () => {
  it('decode the searched 50-step DaTo strategy like the reference (6 full, 37 shallow, 7 skip)', () => {
    const kinds = kindsFromStrategy(DATO_SEARCHED_STRATEGY.slice(0, -1));
    expect(letters(kinds)).toBe('F.sssssFsssssss..Fsss.Fs.sssssF..ssssssssFssssssss');
    expect(countKinds(kinds)).toEqual({ full: 6, medium: 0, shallow: 37, skip: 7 });
  });

  it('decode the released COCO-30k strategy (51 calls: 5 full, 21 shallow, 25 skip)', () => {
    const kinds = kindsFromStrategy(DATO_COCO_STRATEGY);
    expect(kinds).toHaveLength(51);
    expect(countKinds(kinds)).toEqual({ full: 5, medium: 0, shallow: 21, skip: 25 });
  });

  it('cached every N: full at 0, N, 2N, …', () => {
    expect(letters(cachedKinds(10, 3))).toBe('FssFssFssF');
    expect(letters(cachedKinds(5, 1))).toBe('FFFFF');
  });
});

describe('resampleKinds', () => {
  const dato50 = kindsFromStrategy(DATO_SEARCHED_STRATEGY.slice(0, -1));

  it('is the identity at the source length', () => {
    expect(resampleKinds(dato50, 50)).toEqual(dato50);
  });

  it('doubles: each full appears once, each skip twice', () => {
    const k = resampleKinds(dato50, 100);
    expect(countKinds(k)).toEqual({ full: 6, medium: 0, shallow: 80, skip: 14 });
    expect(k[0]).toBe('full');
    expect(k[14]).toBe('full'); // entry 7 starts at step 14
  });

  it('halves: every full survives, a step skips when half its span skips', () => {
    const k = resampleKinds(dato50, 25);
    expect(countKinds(k).full).toBe(6);
    expect(k[0]).toBe('full');
    expect(k[7]).toBe('skip'); // entries 14 (s) and 15 (.) → half skip
  });

  it('keeps the released 51-call schedule at 50 evaluations with all its full steps', () => {
    const k = resampleKinds(kindsFromStrategy(DATO_COCO_STRATEGY), 50);
    expect(k).toHaveLength(50);
    expect(countKinds(k).full).toBe(5);
    expect(countKinds(k).skip).toBeGreaterThanOrEqual(23);
  });

  it('always starts with a full step', () => {
    for (const n of [1, 2, 3, 7, 31, 51, 150]) expect(resampleKinds(dato50, n)[0]).toBe('full');
  });
});

describe('parseScheduleString / formatSchedule', () => {
  it('reads letters with or without commas and round-trips', () => {
    expect(parseScheduleString('F,S,K')).toEqual(['full', 'shallow', 'skip']);
    expect(parseScheduleString('fs. s')).toEqual(['full', 'shallow', 'skip', 'shallow']);
    expect(formatSchedule(parseScheduleString('F,S,S,K'))).toBe('F,S,S,K');
  });

  it('refuses other letters and empty schedules with a clear message', () => {
    expect(() => parseScheduleString('F,X')).toThrow(/position 2 is "X"/);
    expect(() => parseScheduleString(' , ')).toThrow(/empty/);
  });
});

describe('resampleValues', () => {
  it('takes the value at each target midpoint', () => {
    expect(resampleValues([0.3, 0.5], 4)).toEqual([0.3, 0.3, 0.5, 0.5]);
    expect(resampleValues([0.1, 0.2, 0.3, 0.4], 2)).toEqual([0.2, 0.4]);
  });
});

describe('schedule letters F/M/S/K', () => {
  it('round-trip: parse ∘ format is the identity on every kind', () => {
    const kinds = [...STEP_KINDS, ...STEP_KINDS.slice().reverse()];
    expect(parseScheduleString(formatSchedule(kinds))).toEqual(kinds);
    expect(formatSchedule(parseScheduleString('FMSK'))).toBe('F,M,S,K');
    expect(parseScheduleString('f m . s')).toEqual(['full', 'medium', 'skip', 'shallow']);
    expect(() => parseScheduleString('FX')).toThrow(/position 2 is "X".*M \(medium\)/);
  });

  it('resampling keeps each medium once, like full steps', () => {
    const k = resampleKinds(parseScheduleString('FMSKFMSK'), 16);
    expect(formatSchedule(k).replace(/,/g, '')).toBe('FSMSSSKKFSMSSSKK');
  });
});
