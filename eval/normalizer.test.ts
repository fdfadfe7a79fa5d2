import { describe, expect, it } from 'vitest';
import { getTerminology } from '../src/terminology/analytes.js';
import { readLabLines } from '../src/pipeline/normalize/matcher-data.js';
import { evaluateNormalizer, formatNormalizerReport } from './normalizer.js';

describe('eval/lab-lines/lines.jsonl', () => {
  const lines = readLabLines(getTerminology());

  it('is large, mixed and has a held-out part', () => {
    expect(lines.length).toBeGreaterThanOrEqual(300);
    expect(lines.filter((l) => l.split === 'heldout').length).toBeGreaterThanOrEqual(100);
    expect(lines.filter((l) => l.analyte === null).length).toBeGreaterThanOrEqual(40);
    expect(new Set(lines.map((l) => l.lang))).toEqual(new Set(['en', 'fr', 'es', 'de', 'pt', 'ar']));
    expect(new Set(lines.map((l) => l.layout)).size).toBeGreaterThanOrEqual(7);
    for (const l of lines) expect(l.text, l.id).toContain(l.name.trim().split(/\s+/)[0]!);
  });

  it('covers every contracts §3 analyte and both sides of every near-neighbour pair in the held-out part', () => {
    const held = new Set(lines.filter((l) => l.split === 'heldout').map((l) => l.analyte));
    for (const id of [
      'free-t3',
      'free-t4',
      'lh-fsh-ratio',
      'lh',
      'fsh',
      'estriol',
      'estradiol',
      '17-oh-progesterone',
      'progesterone',
      'anti-tg',
      'anti-tpo',
      'thyroglobulin',
      'glucose-postprandial',
      'glucose-fasting',
      'insulin-postprandial',
      'insulin-fasting',
      'testosterone-free',
      'testosterone-total',
      'non-progressive-motility',
      'progressive-motility',
    ]) {
      expect(held.has(id), id).toBe(true);
    }
    const all = new Set(lines.map((l) => l.analyte));
    for (const id of [
      'amh',
      'prolactin',
      'tsh',
      'shbg',
      'dhea-s',
      'hba1c',
      'vitamin-d-25oh',
      'ferritin',
      'hemoglobin',
      'rubella-igg',
      'semen-volume',
      'sperm-concentration',
      'sperm-total-count',
      'total-motility',
      'normal-morphology',
      'sperm-vitality',
      'semen-ph',
      'dna-fragmentation-index',
    ]) {
      expect(all.has(id), id).toBe(true);
    }
  });
});

describe('evaluateNormalizer (naming on the held-out part)', () => {
  it('meets the targets: analyte recall ≥ 98 % and zero wrong analytes above the threshold', async () => {
    const r = await evaluateNormalizer({ split: 'heldout', pipeline: false });
    expect(r.naming.lines).toBeGreaterThanOrEqual(100);
    expect(r.naming.wrongAboveThreshold).toBe(0);
    expect(r.naming.analyteRecall).toBeGreaterThanOrEqual(0.98);
    expect(r.naming.negativeRejection).toBe(1);
    expect(formatNormalizerReport(r)).toContain('analyte recall');
  });
});
