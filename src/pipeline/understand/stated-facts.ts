/**
 * @module pipeline/understand/stated-facts
 * The values a question states about the couple — "TSH 3.1, could that be why…", "my AMH is 0.8
 * ng/mL", "BMI 24", "after 2 miscarriages" — read into a partial intake, so that the entries'
 * applicability conditions ("TSH between 2.5 and 4", "BMI 30 or more") are
 * evaluated for the question as they are for a couple's profile: an entry whose condition the
 * stated value meets ranks up, one it contradicts ranks down, and the answer says why.
 *
 * Conservative by design: a value is read only in a fixed shape (a name, a few filler words, a
 * number, a unit where one is needed), and the intake built
 * from them passes the same validation and plausibility limits as any intake (the engine drops a
 * value that fails). The asker's age and time trying are not read: they are the question's context,
 * not its topic (measured; see the data file). The reading conventions are data:
 * clinical/terminology/stated-values.yaml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Intake, IntakeLab } from '../../domain/intake.js';
import { CLINICAL_DIR } from '../../paths.js';
import { getTerminology } from '../../terminology/analytes.js';
import { asciiDigits, escapeRegExp, foldText } from '../../terminology/text.js';

/** One value read from the question, with the words it was read from (for the trace). */
export interface StatedValue {
  /** The intake field or fact it fills: `female.labs.tsh`, `male.bmi`, `female.history.miscarriages`. */
  field: string;
  value: number;
  unit?: string;
  text: string;
}

const LAB_FIELD = /^(?:female|male)\.labs\.(.+)$/;

/** The analyte a stated value is of (`female.labs.tsh` → `tsh`), or null for a BMI or a count. */
export function statedAnalyte(v: StatedValue): string | null {
  return LAB_FIELD.exec(v.field)?.[1] ?? null;
}

export interface StatedFacts {
  /** A partial intake of the values that have an intake field; null when there is none. */
  intake: Intake | null;
  /** BMI as stated, or worked out from a weight and a height the question gives together (bodySize in the data file). */
  bmi: { female?: number; male?: number };
  read: StatedValue[];
}

const Words = z.array(z.string().min(1));
const FileSchema = z.strictObject({
  labs: z.array(
    z.strictObject({
      analyte: z.string().min(1),
      unitWhenUnstated: z.string().min(1).optional(),
      partner: z.enum(['female', 'male']).optional(),
      /** Words questions use for it besides the lab-report synonyms ("count", "motility"). */
      names: Words.optional(),
    }),
  ),
  units: z.record(z.string(), z.string()),
  fillers: Words,
  notBefore: Words,
  malePartner: z.strictObject({ owner: Words }),
  bmi: z.strictObject({ names: Words, min: z.number(), max: z.number() }),
  bodySize: z.strictObject({
    weightUnits: Words,
    weightWords: Words,
    heightUnitsMetres: Words,
    heightUnitsCentimetres: Words,
    heightWords: Words,
    weightChangeWords: Words,
    weightKg: z.strictObject({ min: z.number(), max: z.number() }),
    heightCm: z.strictObject({ min: z.number(), max: z.number() }),
  }),
  miscarriages: z.strictObject({ words: Words, numberWords: z.record(z.string(), z.number().int()) }),
});

/** The compiled reader (regular expressions built once from the data file). */
export interface StatedFactsReader {
  read(question: string): StatedFacts;
}

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
// Word edges that work for every script (\b is ASCII-only in JavaScript).
const START = String.raw`(?<![\p{L}\p{N}])`;
const END = String.raw`(?![\p{L}\p{N}])`;

// Arabic writes "and", "with", "for" and "so" as one-letter prefixes of the next word ("ومؤشر كتلة
// الجسم ١٨", "and BMI 18"): an Arabic name may carry one.
const ARABIC_PROCLITIC = '[وبلف]?';
const ARABIC_LETTER = /^\p{Script=Arabic}/u;

const alternatives = (words: readonly string[]): string =>
  [...new Set(words.map((w) => foldText(w)))]
    .sort((a, b) => b.length - a.length)
    .map(
      (w) => (ARABIC_LETTER.test(w) ? ARABIC_PROCLITIC : '') + escapeRegExp(w).replace(/ /g, String.raw`\s+`),
    )
    .join('|');

const toNumber = (s: string): number => Number(s.replace(',', '.'));

export function buildStatedFactsReader(data: unknown): StatedFactsReader {
  const d = FileSchema.parse(data);
  const terminology = getTerminology();
  const filler = String.raw`(?:[\s:=-]+(?:${alternatives(d.fillers)}))*[\s:=-]*`;
  const units = new Map(Object.entries(d.units).map(([k, v]) => [foldText(k), v]));
  const unitRe = [...units.keys()]
    .sort((a, b) => b.length - a.length)
    .map((u) => escapeRegExp(u))
    .join('|');
  // Not a value when a duration or an age word follows the number ("FSH à 40 ans").
  const notDuration = String.raw`(?!\s*(?:${alternatives(d.notBefore)})${END})`;
  const owner = new RegExp(`${START}(?:${alternatives(d.malePartner.owner)})${END}`, 'u');

  const labs = d.labs.map((l) => {
    const a = terminology.analyte(l.analyte);
    if (!a) throw new Error(`stated-values.yaml: labs: unknown analyte "${l.analyte}"`);
    const names = [...Object.values(a.synonyms).flat(), ...(l.names ?? [])];
    return {
      ...l,
      re: new RegExp(
        `${START}(${alternatives(names)})${filler}${NUMBER}(?!\\d)${notDuration}(?:\\s*(${unitRe}))?(?!\\d)`,
        'gu',
      ),
    };
  });
  const bmi = new RegExp(
    `${START}(${alternatives(d.bmi.names)})${filler}${NUMBER}(?!\\d)${notDuration}`,
    'gu',
  );
  // Weight and height, for a BMI worked out when a question gives both (see the data file).
  const size = d.bodySize;
  const weightRes = [
    new RegExp(`${START}${NUMBER}\\s*(?:${alternatives(size.weightUnits)})${END}`, 'gu'),
    new RegExp(`${START}(?:${alternatives(size.weightWords)})${filler}${NUMBER}(?!\\d)${notDuration}`, 'gu'),
  ];
  const weightChange = new RegExp(`${START}(?:${alternatives(size.weightChangeWords)})${END}`, 'u');
  // Each height pattern with how its match reads in centimetres.
  const heightRes: Array<{ re: RegExp; cm: (m: RegExpMatchArray) => number }> = [
    // "1m68"
    { re: new RegExp(`${START}1\\s*m\\s*(\\d{2})${END}`, 'gu'), cm: (m) => 100 + Number(m[1]) },
    {
      re: new RegExp(`${START}${NUMBER}\\s*(?:${alternatives(size.heightUnitsMetres)})${END}`, 'gu'),
      cm: (m) => toNumber(m[1]!) * 100,
    },
    {
      re: new RegExp(`${START}${NUMBER}\\s*(?:${alternatives(size.heightUnitsCentimetres)})${END}`, 'gu'),
      cm: (m) => toNumber(m[1]!),
    },
    // After a height word, no unit: up to 2.5 is metres, more is centimetres.
    {
      re: new RegExp(
        `${START}(?:${alternatives(size.heightWords)})${filler}${NUMBER}(?!\\d)${notDuration}(?!\\s*(?:${unitRe}|${alternatives(size.weightUnits)})${END})`,
        'gu',
      ),
      cm: (m) => {
        const n = toNumber(m[1]!);
        return n > 2.5 ? n : n * 100;
      },
    },
  ];
  const numberWords = new Map(Object.entries(d.miscarriages.numberWords).map(([k, v]) => [foldText(k), v]));
  const losses = new RegExp(
    `${START}(\\d+|${alternatives([...numberWords.keys()])})\\s+(?:${alternatives(d.miscarriages.words)})${END}`,
    'gu',
  );
  /** Whether the words just before `index` name the male partner as the value's owner. */
  const ownedByMale = (text: string, index: number): boolean =>
    owner.test(text.slice(Math.max(0, index - 30), index));

  return {
    read(question) {
      const text = foldText(asciiDigits(question));
      const read: StatedValue[] = [];
      const female: Record<string, unknown> = {};
      const male: Record<string, unknown> = {};
      const femaleLabs: IntakeLab[] = [];
      const maleLabs: IntakeLab[] = [];
      const bmiOut: StatedFacts['bmi'] = {};

      // A value needs a digit (only a count of losses may be written in words): most questions have
      // none, and the fourteen lab patterns are then not run (this reader runs on every question).
      const digits = /\d/.test(text);
      for (const l of digits ? labs : []) {
        for (const m of text.matchAll(l.re)) {
          const written = m[3] ? units.get(m[3]) : undefined;
          const unit = written ?? l.unitWhenUnstated;
          if (!unit) continue; // a value whose unit cannot be known is not read
          const partner = l.partner ?? (ownedByMale(text, m.index) ? 'male' : 'female');
          const list = partner === 'male' ? maleLabs : femaleLabs;
          if (list.some((x) => x.analyte === l.analyte)) continue; // the first value named counts
          const value = toNumber(m[2]!);
          list.push({ analyte: l.analyte, value, unit });
          read.push({ field: `${partner}.labs.${l.analyte}`, value, unit, text: m[0].trim() });
        }
      }
      for (const m of digits ? text.matchAll(bmi) : []) {
        const value = toNumber(m[2]!);
        if (value < d.bmi.min || value > d.bmi.max) continue;
        const partner = ownedByMale(text, m.index) ? 'male' : 'female';
        if (bmiOut[partner] !== undefined) continue;
        bmiOut[partner] = value;
        read.push({ field: `${partner}.bmi`, value, text: m[0].trim() });
      }
      // Weight and height, each partner's first: a BMI when both are given and no BMI is stated.
      if (digits) {
        const weights: Partial<Record<'female' | 'male', number>> = {};
        const heights: Partial<Record<'female' | 'male', number>> = {};
        for (const re of weightRes) {
          for (const m of text.matchAll(re)) {
            const kg = toNumber(m[1]!);
            if (weightChange.test(text.slice(Math.max(0, m.index - 25), m.index))) continue;
            const partner = ownedByMale(text, m.index) ? 'male' : 'female';
            if (kg >= size.weightKg.min && kg <= size.weightKg.max) weights[partner] ??= kg;
          }
        }
        // Heights are looked for only when a weight was found: most questions with a number have none.
        for (const { re, cm: toCm } of Object.keys(weights).length > 0 ? heightRes : []) {
          for (const m of text.matchAll(re)) {
            const cm = Math.round(toCm(m) * 10) / 10; // 1.68 × 100 is 168.00000000000003
            const partner = ownedByMale(text, m.index) ? 'male' : 'female';
            if (cm >= size.heightCm.min && cm <= size.heightCm.max) heights[partner] ??= cm;
          }
        }
        for (const partner of ['female', 'male'] as const) {
          const kg = weights[partner];
          const cm = heights[partner];
          if (kg === undefined || cm === undefined || bmiOut[partner] !== undefined) continue;
          const value = Math.round((kg / (cm / 100) ** 2) * 10) / 10;
          if (value < d.bmi.min || value > d.bmi.max) continue;
          bmiOut[partner] = value;
          read.push({ field: `${partner}.bmi`, value, text: `${kg} kg, ${cm} cm` });
        }
      }
      for (const m of text.matchAll(losses)) {
        const value = /^\d+$/.test(m[1]!) ? Number(m[1]) : numberWords.get(m[1]!);
        if (value === undefined || value > 20 || female.history !== undefined) continue;
        female.history = { miscarriages: value };
        read.push({ field: 'female.history.miscarriages', value, text: m[0].trim() });
      }
      if (femaleLabs.length) female.labs = femaleLabs;
      if (maleLabs.length) male.labs = maleLabs;
      const intake: Record<string, unknown> = {};
      if (Object.keys(female).length) intake.female = female;
      if (Object.keys(male).length) intake.male = male;
      return { intake: Object.keys(intake).length ? (intake as Intake) : null, bmi: bmiOut, read };
    },
  };
}

let cached: StatedFactsReader | undefined;

/** The reader over clinical/terminology/stated-values.yaml (loaded once). */
export function getStatedFactsReader(): StatedFactsReader {
  cached ??= buildStatedFactsReader(
    parse(readFileSync(join(CLINICAL_DIR, 'terminology', 'stated-values.yaml'), 'utf8')),
  );
  return cached;
}
