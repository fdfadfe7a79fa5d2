import { describe, expect, test } from 'vitest';
import type { ProfileObservation } from '../../../domain/profile.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifySemen } from './semen.js';

const c = loadProfileCriteria().semen;
const full = (o: Partial<Record<string, number>> = {}): ProfileObservation[] => {
  const v = { 'sperm-concentration': 50, 'progressive-motility': 50, 'normal-morphology': 8, ...o };
  const unit: Record<string, string> = {
    'sperm-concentration': '10*6/mL',
    'sperm-total-count': '10*6',
    'semen-volume': 'mL',
  };
  return Object.entries(v).flatMap(([a, x]) =>
    x === undefined ? [] : [observationOf(a, x, unit[a] ?? '%')],
  );
};
const run = (obs: ProfileObservation[], ref?: 'who2021' | 'who2010') =>
  classifySemen(partnerData({ observations: obs }), c, ref);

describe('semen classifier', () => {
  test.each([
    ['sperm-concentration', 15.9, 'oligozoospermia'],
    ['sperm-concentration', 16, 'normozoospermia'],
    ['sperm-concentration', 16.1, 'normozoospermia'],
    ['progressive-motility', 29.9, 'asthenozoospermia'],
    ['progressive-motility', 30, 'normozoospermia'],
    ['progressive-motility', 30.1, 'normozoospermia'],
    ['normal-morphology', 3.9, 'teratozoospermia'],
    ['normal-morphology', 4, 'normozoospermia'],
    ['normal-morphology', 4.1, 'normozoospermia'],
  ])('WHO 2021: %s %d → %s', (analyte, v, value) => {
    const r = run(full({ [analyte]: v }));
    expect(r.value).toBe(value);
    expect(r.criterionSet.year).toBe(2021);
    ClassificationSchema.parse(r);
  });

  test.each([
    ['sperm-concentration', 14.9, 'oligozoospermia'],
    ['sperm-concentration', 15, 'normozoospermia'],
    ['sperm-concentration', 15.5, 'normozoospermia'],
    ['progressive-motility', 31.9, 'asthenozoospermia'],
    ['progressive-motility', 32, 'normozoospermia'],
  ])('WHO 2010 option: %s %d → %s', (analyte, v, value) => {
    const r = run(full({ [analyte]: v }), 'who2010');
    expect(r.value).toBe(value);
    expect(r.criterionSet.year).toBe(2010);
    expect(r.source.doi).toBe('10.1093/humupd/dmp048');
  });

  test('the same result differs between references: 15.5 ×10⁶/mL is oligo by 2021, normal by 2010', () => {
    expect(run(full({ 'sperm-concentration': 15.5 })).value).toBe('oligozoospermia');
    expect(run(full({ 'sperm-concentration': 15.5 }), 'who2010').value).toBe('normozoospermia');
  });

  test('prefixes join in WHO order', () => {
    expect(
      run(full({ 'sperm-concentration': 5, 'progressive-motility': 10, 'normal-morphology': 1 })).value,
    ).toBe('oligoasthenoteratozoospermia');
    expect(run(full({ 'sperm-concentration': 5, 'normal-morphology': 1 })).value).toBe(
      'oligoteratozoospermia',
    );
  });

  test('azoospermia: a concentration of 0 needs nothing else', () => {
    expect(run([observationOf('sperm-concentration', 0, '10*6/mL')]).value).toBe('azoospermia');
  });

  test('total count is preferred to concentration, and derived from volume × concentration', () => {
    // 12 ×10⁶/mL is below 16, but 4 mL × 12 = 48 ×10⁶ per ejaculate is above 39.
    const r = run([...full({ 'sperm-concentration': 12 }), observationOf('semen-volume', 4, 'mL')]);
    expect(r.value).toBe('normozoospermia');
    expect(r.inputs['sperm-total-count (derived)']).toBe(48);
  });

  test('total motility is the fallback when progressive motility is not given', () => {
    expect(run(full({ 'progressive-motility': undefined, 'total-motility': 41 })).value).toBe(
      'asthenozoospermia',
    );
  });

  test('missing morphology → insufficient-data with the partial finding noted', () => {
    const r = run(full({ 'sperm-concentration': 5, 'normal-morphology': undefined }));
    expect(r.value).toBe('insufficient-data');
    expect(r.need).toEqual(['semen analysis: normal-morphology']);
    expect(r.notes![0]).toMatch(/oligo- below the limit/);
  });

  test('the contracts §4 example (concentration 20 only) is insufficient-data', () => {
    expect(run([observationOf('sperm-concentration', 20, '10*6/mL')]).need).toHaveLength(2);
  });

  test('other measures below their limit are noted (volume)', () => {
    const r = run([...full(), observationOf('semen-volume', 1.2, 'mL')]);
    expect(r.notes!.join(' ')).toMatch(/semen-volume 1.2 mL is below the lower reference limit \(1.4 mL\)/);
  });
});
