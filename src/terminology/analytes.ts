/**
 * @module terminology/analytes
 * Loads `clinical/terminology/analytes.yaml`: every lab analyte the engine can name, with LOINC
 * codes, canonical UCUM unit, conversion data (molar mass, analyte-specific factors and
 * conventions), synonyms in six languages, the qualifier rules that keep near neighbours apart
 * (free vs total, ratio, 17-OH…), specimen compatibility, and assay methods → platforms.
 * The file is parsed once, validated with zod plus cross-reference checks, and cached; a bad
 * file throws an Error that names the entry and field.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLINICAL_DIR } from '../paths.js';

export const ANALYTE_LANGUAGES = ['en', 'fr', 'es', 'de', 'pt', 'ar'] as const;
export type AnalyteLanguage = (typeof ANALYTE_LANGUAGES)[number];

/** Verification tags of ../shared/domain (V, V-sec, V-code, DERIVED); UNVERIFIED is not accepted. */
const Tag = z.enum(['V', 'V-sec', 'V-code', 'DERIVED']);
const Ref = z.string().min(3);
const Word = z.union([z.string(), z.number()]).transform((v) => String(v));

/**
 * LOINC mod-10 check digit (the Luhn scheme LOINC documents): from the rightmost digit of the
 * code body, double every other digit, sum the digits of the results and of the rest, and the
 * check digit brings the sum to the next multiple of ten.
 */
export function loincCheckDigitValid(code: string): boolean {
  const m = /^(\d{1,7})-(\d)$/.exec(code);
  if (!m) return false;
  const body = m[1]!;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(m[2]);
}

const LoincSchema = z.strictObject({
  code: z.string().refine(loincCheckDigitValid, 'not a LOINC code with a valid mod-10 check digit'),
  property: z.enum(['mass', 'moles', 'units', 'ratio', 'volume', 'count-per-volume', 'acidity']),
  primary: z.boolean().default(false),
  tag: Tag,
  ref: Ref,
});
export type LoincCode = z.infer<typeof LoincSchema>;

const FactorSchema = z.strictObject({
  /** UCUM code of the other unit. */
  unit: z.string().min(1),
  /** 1 canonical unit = perCanonical × `unit`. */
  perCanonical: z.number().positive(),
  /** Set where sources disagree; every value converted with it carries a conversion-convention issue. */
  convention: z.string().min(1).optional(),
  /** Among several conventions for the same unit, the one used unless the caller picks another. */
  default: z.boolean().default(false),
  tag: Tag,
  ref: Ref,
});
export type AnalyteFactor = z.infer<typeof FactorSchema>;

/** A name has at least one letter (a YAML flow list split at a comma leaves bare numbers). */
const Name = Word.refine(
  (w) => /\p{L}/u.test(w),
  'a synonym must contain a letter (quote names with commas)',
);
const SynonymList = z.array(Name).default([]);

const AnalyteSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case words joined by hyphens'),
  name: z.string().min(1),
  /** Canonical UCUM unit (contracts §3 for the listed ids). */
  unit: z.string().min(1),
  /** A value printed without unit is taken to be in the canonical unit (pH, ratios, indices). */
  unitOptional: z.boolean().default(false),
  /** Reports write U (mU/L, µU/mL) meaning international units for this hormone. */
  readUAsIU: z.boolean().default(false),
  specimen: z.string().min(1),
  loinc: z.array(LoincSchema).default([]),
  molarMass: z.strictObject({ value: z.number().positive(), tag: Tag, ref: Ref }).optional(),
  factors: z.array(FactorSchema).default([]),
  blockedUnits: z.array(z.strictObject({ unit: z.string().min(1), reason: z.string().min(3) })).default([]),
  platformSensitive: z.strictObject({ tag: Tag, ref: Ref }).optional(),
  requires: z.array(z.string()).default([]),
  forbids: z.array(z.string()).default([]),
  synonyms: z.strictObject({
    en: z.array(Name).min(1),
    fr: SynonymList,
    es: SynonymList,
    de: SynonymList,
    pt: SynonymList,
    ar: SynonymList,
  }),
  /** Names valid only when the caller states the specimen (bare semen-analysis column headers). */
  contextSynonyms: z.array(Name).default([]),
});
export type AnalyteDef = z.infer<typeof AnalyteSchema>;

const QualifierSchema = z.strictObject({
  tokens: z.array(Word).default([]),
  phrases: z.array(z.array(Word).min(2)).default([]),
  stems: z.array(Word).default([]),
  /** Words matched on the raw (unfolded) text, where an accent tells two languages apart. */
  raw: z.array(z.string()).default([]),
});
export type QualifierDef = z.infer<typeof QualifierSchema>;

const PlatformSchema = z.strictObject({
  id: z.string().min(1),
  vendor: z.string(),
  name: z.string(),
  ref: Ref,
});
export type Platform = z.infer<typeof PlatformSchema>;

const MethodSchema = z.strictObject({
  id: z.string().min(1),
  label: z.string().min(1),
  technique: z.string().min(1),
  platform: z.string().nullable(),
  names: z.array(Word).min(1),
  ref: Ref,
});
export type AssayMethod = z.infer<typeof MethodSchema>;

const FileSchema = z.strictObject({
  version: z.number().int(),
  qualifiers: z.record(z.string(), QualifierSchema),
  globalForbids: z.array(z.string()).default([]),
  specimens: z.record(z.string(), z.array(Word).min(1)),
  keepSpecimenWords: z.array(z.string()).default([]),
  matcherNeedsSpecimen: z.array(z.string()).default([]),
  specimenCompatibility: z.record(z.string(), z.array(z.string()).min(1)),
  fillers: z.array(Word).default([]),
  anchorStopwords: z.array(Word).default([]),
  platforms: z.array(PlatformSchema),
  methods: z.array(MethodSchema),
  analytes: z.array(AnalyteSchema).min(1),
});

/** An analyte as the engine uses it: the data entry plus its primary LOINC code. */
export interface Analyte extends AnalyteDef {
  /** The LOINC code reported with a value in the canonical unit, or null when none is verified. */
  readonly primaryLoinc: string | null;
}

export interface AnalyteTerminology {
  readonly version: number;
  /** sha256 of the data file (goes into trained-model metadata). */
  readonly hash: string;
  analyte(id: string): Analyte | undefined;
  analytes(): readonly Analyte[];
  isAnalyte(id: string): boolean;
  /** The analyte a LOINC code identifies (any listed code, not only the primary), with that code's entry. */
  byLoinc(code: string): { analyte: Analyte; code: LoincCode } | undefined;
  methods(): readonly AssayMethod[];
  platforms(): readonly Platform[];
  platform(id: string): Platform | undefined;
  readonly qualifiers: Readonly<Record<string, QualifierDef>>;
  readonly globalForbids: readonly string[];
  readonly specimens: Readonly<Record<string, readonly string[]>>;
  readonly keepSpecimenWords: readonly string[];
  /** Analyte specimens the matcher may name only when the specimen is stated or named. */
  readonly matcherNeedsSpecimen: readonly string[];
  readonly specimenCompatibility: Readonly<Record<string, readonly string[]>>;
  readonly fillers: readonly string[];
  /** Words too generic to tie a name to an analyte on their own ("virus", "hormone"). */
  readonly anchorStopwords: readonly string[];
}

function fail(origin: string, where: string, msg: string): never {
  throw new Error(`${origin}: ${where}: ${msg}`);
}

/** Parse and validate an analytes file; throws an Error naming the entry and field on bad data. */
export function parseAnalyteTerminology(text: string, origin = 'analytes.yaml'): AnalyteTerminology {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new Error(`${origin}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    // Name the analyte by id rather than by index when the path goes through `analytes[i]`.
    const path = first.path.map(String);
    if (path[0] === 'analytes' && raw && typeof raw === 'object') {
      const list = (raw as { analytes?: Array<{ id?: unknown }> }).analytes;
      const id = list?.[Number(path[1])]?.id;
      if (typeof id === 'string') path.splice(0, 2, `analyte "${id}"`);
    }
    fail(origin, path.join('.'), first.message);
  }
  const data = parsed.data;
  const qualifierIds = new Set(Object.keys(data.qualifiers));
  for (const g of data.globalForbids) {
    if (!qualifierIds.has(g)) fail(origin, 'globalForbids', `unknown qualifier group "${g}"`);
  }
  for (const k of data.matcherNeedsSpecimen) {
    if (!(k in data.specimenCompatibility))
      fail(origin, 'matcherNeedsSpecimen', `unknown analyte specimen "${k}"`);
  }
  for (const k of data.keepSpecimenWords) {
    if (!(k in data.specimens)) fail(origin, 'keepSpecimenWords', `unknown specimen kind "${k}"`);
  }
  for (const [kind, accepted] of Object.entries(data.specimenCompatibility)) {
    for (const a of accepted) {
      if (!(a in data.specimens))
        fail(origin, `specimenCompatibility.${kind}`, `unknown specimen kind "${a}"`);
    }
  }
  const platformIds = new Set<string>();
  for (const p of data.platforms) {
    if (platformIds.has(p.id)) fail(origin, `platform "${p.id}"`, 'duplicate platform id');
    platformIds.add(p.id);
  }
  const methodIds = new Set<string>();
  for (const m of data.methods) {
    if (methodIds.has(m.id)) fail(origin, `method "${m.id}"`, 'duplicate method id');
    methodIds.add(m.id);
    if (m.platform !== null && !platformIds.has(m.platform)) {
      fail(origin, `method "${m.id}".platform`, `unknown platform "${m.platform}"`);
    }
  }

  const byId = new Map<string, Analyte>();
  const byCode = new Map<string, { analyte: Analyte; code: LoincCode }>();
  for (const a of data.analytes) {
    const where = `analyte "${a.id}"`;
    if (byId.has(a.id)) fail(origin, where, 'duplicate analyte id');
    if (!(a.specimen in data.specimenCompatibility)) {
      fail(origin, `${where}.specimen`, `unknown specimen "${a.specimen}" (not in specimenCompatibility)`);
    }
    for (const q of [...a.requires, ...a.forbids]) {
      if (!qualifierIds.has(q)) fail(origin, `${where}.requires/forbids`, `unknown qualifier group "${q}"`);
    }
    const both = a.requires.filter((q) => a.forbids.includes(q));
    if (both.length) fail(origin, where, `qualifier "${both[0]}" is both required and forbidden`);
    const primaries = a.loinc.filter((l) => l.primary);
    if (primaries.length > 1) fail(origin, `${where}.loinc`, 'more than one primary code');
    // Several factors for one unit are conventions: each must say so, and exactly one is the default.
    const perUnit = new Map<string, AnalyteFactor[]>();
    for (const f of a.factors) perUnit.set(f.unit, [...(perUnit.get(f.unit) ?? []), f]);
    for (const [unit, fs] of perUnit) {
      if (fs.length > 1) {
        if (fs.some((f) => !f.convention)) {
          fail(origin, `${where}.factors`, `several factors for ${unit} must each name their convention`);
        }
        if (fs.filter((f) => f.default).length !== 1) {
          fail(origin, `${where}.factors`, `exactly one of the ${unit} conventions must be marked default`);
        }
      }
    }
    const analyte: Analyte = { ...a, primaryLoinc: primaries[0]?.code ?? null };
    byId.set(a.id, analyte);
    for (const l of a.loinc) {
      const prev = byCode.get(l.code);
      if (prev) fail(origin, `${where}.loinc`, `code ${l.code} is already listed for "${prev.analyte.id}"`);
      byCode.set(l.code, { analyte, code: l });
    }
  }
  const list = [...byId.values()];
  const platformById = new Map(data.platforms.map((p) => [p.id, p]));
  return {
    version: data.version,
    hash: 'sha256:' + createHash('sha256').update(text).digest('hex'),
    analyte: (id) => byId.get(id),
    analytes: () => list,
    isAnalyte: (id) => byId.has(id),
    byLoinc: (code) => byCode.get(code.trim()),
    methods: () => data.methods,
    platforms: () => data.platforms,
    platform: (id) => platformById.get(id),
    qualifiers: data.qualifiers,
    globalForbids: data.globalForbids,
    specimens: data.specimens,
    keepSpecimenWords: data.keepSpecimenWords,
    matcherNeedsSpecimen: data.matcherNeedsSpecimen,
    specimenCompatibility: data.specimenCompatibility,
    fillers: data.fillers,
    anchorStopwords: data.anchorStopwords,
  };
}

/** Path of the analytes data file. */
export const ANALYTES_FILE = join(CLINICAL_DIR, 'terminology', 'analytes.yaml');

let cached: AnalyteTerminology | undefined;

/** The analyte terminology, parsed once from `clinical/terminology/analytes.yaml` and cached. */
export function getTerminology(): AnalyteTerminology {
  if (!cached) cached = parseAnalyteTerminology(readFileSync(ANALYTES_FILE, 'utf8'), ANALYTES_FILE);
  return cached;
}

/** The analyte with this id; throws when the id is unknown (for callers holding a checked id). */
export function analyte(id: string): Analyte {
  const a = getTerminology().analyte(id);
  if (!a) throw new Error(`unknown analyte id "${id}"`);
  return a;
}

/** Every analyte of the terminology. */
export function analytes(): readonly Analyte[] {
  return getTerminology().analytes();
}

/** Whether `id` is an analyte id of the terminology. */
export function isAnalyte(id: string): boolean {
  return getTerminology().isAnalyte(id);
}

/** The analyte a LOINC code identifies, or undefined. */
export function byLoinc(code: string): { analyte: Analyte; code: LoincCode } | undefined {
  return getTerminology().byLoinc(code);
}

/** The assay method labels with their technique and platform. */
export function methods(): readonly AssayMethod[] {
  return getTerminology().methods();
}
