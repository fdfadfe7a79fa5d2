/**
 * Data checks for `clinical/terminology/glossary.yaml`: the everyday-word glossary used for
 * word-level query translation (foreign question words → the English words the bank uses).
 * The file is data only; these tests keep it within its rules (see the file's header).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLINICAL_DIR } from '../paths.js';
import { foldText, foldTokens } from './text.js';

const FOREIGN = ['fr', 'es', 'de', 'pt', 'ar'] as const;
type Foreign = (typeof FOREIGN)[number];
type Lang = 'en' | Foreign;
type Entry = Partial<Record<Lang, unknown>>;

const TERMINOLOGY = join(CLINICAL_DIR, 'terminology');
const read = (name: string): unknown => parse(readFileSync(join(TERMINOLOGY, name), 'utf8'));

// Common function words per language, folded (lower case, no accents). A foreign glossary word may
// not fold to a function word of another language unless the same entry lists it for that language
// with the same meaning (French/Spanish/Portuguese "entre").
const FUNCTION_WORDS: Record<Lang, readonly string[]> = {
  en: `the and for are but not you all any can had her was one our out has him his how its may who
    did yes she too with that this from they have will what when your which there their been were
    than then them these those some into only also such very just more most does nor off per via
    about after before because both each here should would could other until while why where`.split(/\s+/),
  fr: `les des une que qui est pas par pour dans avec sur son ses mais aux cette ces mon mes nous
    vous ils elle elles tout tous toute sont etre avoir ont leur leurs lui moi toi notre votre car
    donc comme entre`.split(/\s+/),
  es: `que con por para los las una uno unos unas del sin sus mas muy pero como este esta esto eso
    esa ese hay fue ser son les nos mis tus porque cuando entre`.split(/\s+/),
  de: `der die das den dem des und ist ein eine einen einem einer mit von fur auf bei aus was nicht
    sich sie wir ihr hat war sind oder aber auch nur noch zum zur vom ins bis dass wenn als also
    doch schon sehr mein meine dein sein seine ich man`.split(/\s+/),
  pt: `que com por para uma uns umas dos das nos nas nao mais mas como seu sua seus suas ele ela
    eles elas isso isto este esta esse essa pelo pela pelos pelas aos foi ser sao tem meu minha num
    numa ate sem porque entre`.split(/\s+/),
  ar: 'في من على إلى عن مع هل ما لا أن إن هذا هذه ذلك تلك التي الذي الذين كان كانت أو ثم قد لم لن هو هي هم لكن حتى إذا أيضا عند كل'
    .split(' ')
    .map(foldText),
};

// Known, reported collisions with concepts.yaml that are not duplicates: Portuguese "dor" is pain;
// concepts.yaml lists "dor" as the English abbreviation of diminished ovarian reserve.
const CONCEPT_COLLISION_ALLOWED = new Set(['pt:dor']);

/** Folded key of a term: tokens joined by spaces; the Arabic article ال is stripped (as the matcher does). */
function key(term: string): string {
  return foldTokens(term)
    .map((t) => (t.startsWith('ال') && t.length - 2 >= 3 ? t.slice(2) : t))
    .join(' ');
}

function terms(e: Entry, lang: Lang): string[] {
  const v = e[lang];
  return Array.isArray(v) ? (v as string[]) : [];
}

const file = read('glossary.yaml') as { version?: unknown; entries?: unknown };
const entries = (Array.isArray(file.entries) ? file.entries : []) as Entry[];
const label = (e: Entry, i: number): string => `entry ${i} (${terms(e, 'en').join(', ')})`;

describe('glossary.yaml', () => {
  it('parses, has version 1 and at least 400 entries', () => {
    expect(file.version).toBe(1);
    expect(entries.length).toBeGreaterThanOrEqual(400);
  });

  it('every entry has 1–3 English words and at least four of the other five languages, no empty strings', () => {
    const bad: string[] = [];
    entries.forEach((e, i) => {
      const keys = Object.keys(e);
      const unknown = keys.filter((k) => k !== 'en' && !(FOREIGN as readonly string[]).includes(k));
      if (unknown.length) bad.push(`${label(e, i)}: unknown keys ${unknown.join(', ')}`);
      const en = terms(e, 'en');
      if (en.length < 1 || en.length > 3) bad.push(`${label(e, i)}: ${en.length} English words`);
      const present = FOREIGN.filter((l) => terms(e, l).length > 0);
      if (present.length < 4) bad.push(`${label(e, i)}: only ${present.join(', ')}`);
      for (const lang of ['en', ...FOREIGN] as const) {
        const v = e[lang];
        if (v !== undefined && !Array.isArray(v)) bad.push(`${label(e, i)}: ${lang} is not a list`);
        for (const t of terms(e, lang)) {
          if (typeof t !== 'string' || t.trim() === '' || foldTokens(t).length === 0)
            bad.push(`${label(e, i)}: empty or non-string ${lang} item`);
        }
      }
    });
    expect(bad).toEqual([]);
  });

  it('has no word under 3 letters', () => {
    const bad: string[] = [];
    entries.forEach((e, i) => {
      for (const lang of ['en', ...FOREIGN] as const) {
        for (const t of terms(e, lang)) {
          const toks = foldTokens(t);
          if ((toks.length === 1 && toks[0]!.length < 3) || toks.join('').length < 3)
            bad.push(`${label(e, i)}: ${lang} "${t}"`);
        }
      }
    });
    expect(bad).toEqual([]);
  });

  it('has no foreign word that folds to a function word of another language', () => {
    const bad: string[] = [];
    entries.forEach((e, i) => {
      for (const lang of FOREIGN) {
        for (const t of terms(e, lang)) {
          const toks = foldTokens(t);
          if (toks.length !== 1) continue; // phrases match as a whole
          const w = toks[0]!;
          for (const other of Object.keys(FUNCTION_WORDS) as Lang[]) {
            if (other === lang || !FUNCTION_WORDS[other].includes(w)) continue;
            const sameMeaning = terms(e, other).some((o) => foldText(o) === w);
            if (!sameMeaning) bad.push(`${label(e, i)}: ${lang} "${t}" is a ${other} function word`);
          }
        }
      }
    });
    expect(bad).toEqual([]);
  });

  it('is negation-free', () => {
    const negation = read('negation.yaml') as { negators: unknown[] };
    const negators = new Set(negation.negators.map((n) => foldText(String(n))));
    const bad: string[] = [];
    entries.forEach((e, i) => {
      for (const lang of ['en', ...FOREIGN] as const)
        for (const t of terms(e, lang))
          if (foldTokens(t).some((w) => negators.has(w))) bad.push(`${label(e, i)}: ${lang} "${t}"`);
    });
    expect(bad).toEqual([]);
  });

  it('gives each folded foreign word one entry only', () => {
    const owner = new Map<string, number>();
    const bad: string[] = [];
    entries.forEach((e, i) => {
      for (const lang of FOREIGN) {
        for (const t of terms(e, lang)) {
          const k = key(t);
          const prev = owner.get(k);
          if (prev !== undefined && prev !== i)
            bad.push(`${label(e, i)}: ${lang} "${t}" is also in ${label(entries[prev]!, prev)}`);
          else owner.set(k, i);
        }
      }
    });
    expect(bad).toEqual([]);
  });

  it('does not duplicate concept synonyms or name lab analytes', () => {
    const concepts = (read('concepts.yaml') as { concepts: Array<Record<string, unknown>> }).concepts;
    const conceptKeys = new Map<string, Set<string>>(); // language → folded synonyms
    for (const c of concepts)
      for (const lang of ['en', ...FOREIGN] as const) {
        const set = conceptKeys.get(lang) ?? new Set<string>();
        for (const s of (c[lang] as string[] | undefined) ?? []) set.add(key(s));
        conceptKeys.set(lang, set);
      }
    const analytes = (read('analytes.yaml') as { analytes: Array<{ synonyms?: Record<string, string[]> }> })
      .analytes;
    const analyteKeys = new Set<string>();
    for (const a of analytes)
      for (const list of Object.values(a.synonyms ?? {})) for (const s of list) analyteKeys.add(key(s));

    const bad: string[] = [];
    entries.forEach((e, i) => {
      for (const lang of FOREIGN) {
        for (const t of terms(e, lang)) {
          const k = key(t);
          const dup = conceptKeys.get(lang)!.has(k) || conceptKeys.get('en')!.has(k);
          if (dup && !CONCEPT_COLLISION_ALLOWED.has(`${lang}:${k}`))
            bad.push(`${label(e, i)}: ${lang} "${t}" is a concept synonym`);
          if (analyteKeys.has(k)) bad.push(`${label(e, i)}: ${lang} "${t}" is an analyte name`);
        }
      }
    });
    expect(bad).toEqual([]);
  });

  it('translates everyday fertility words (spot checks)', () => {
    const lookup = new Map<string, string[]>();
    for (const e of entries)
      for (const lang of FOREIGN) for (const t of terms(e, lang)) lookup.set(key(t), terms(e, 'en'));
    const en = (w: string): string[] => lookup.get(key(w)) ?? [];
    expect(en('semaine')).toContain('week');
    expect(en('riesgo')).toContain('risk');
    expect(en('Dosis')).toContain('dose');
    expect(en('gravida')).toContain('pregnant'); // accents optional
    expect(en('bouchées')).toContain('blocked');
    expect(en('première intention')).toContain('first-line');
    expect(en('Nebenwirkungen')).toContain('side effects');
    expect(en('زوجي')).toContain('husband');
    expect(en('الأسبوع')).toContain('week');
    expect(en('أسبوع')).toContain('week');
  });
});
