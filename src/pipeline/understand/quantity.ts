/**
 * @module pipeline/understand/quantity
 * Quantitative questions ("what dose?", "what AMH level?", "how much does it cost?", "how many
 * cycles?") need a number of the right kind in the evidence: a dose needs a dose unit, a level a
 * concentration unit, a cost a currency, a chance a percentage. An entry about the right topic
 * that does not give that number does not answer the question (and the engine should not answer
 * by borrowing it). Phrases are matched on folded text, word-bounded, in the six languages.
 */
import { escapeRegExp, foldText } from '../../terminology/text.js';
import { numbersIn } from '../synthesize/claims.js';

export type QuantityKind = 'dose' | 'level' | 'cost' | 'chance' | 'duration' | 'size' | 'count';

/**
 * Question phrases per kind, most specific kinds first (a "how many mg" is a dose, not a count).
 * `asks` phrases ask by themselves ("what dose", "how long", "combien coûte"). `nouns` only name the
 * quantity ("dose", "cost", "success rate"): they ask for it only in a clause that also has a question
 * word — "the incubator costs an extra £500. Does it improve my chances?" does not ask what it costs,
 * and "would waiting cost us time?" asks no price (both were read as cost questions until 2026-11-26).
 */
const ASKS: ReadonlyArray<{ kind: QuantityKind; asks: readonly string[]; nouns: readonly string[] }> = [
  {
    kind: 'dose',
    asks: [
      'what dose',
      'which dose',
      'exact dose',
      'exact mg',
      'what mg',
      'which mg',
      'how many mg',
      'how much mg',
      'how many milligrams',
      'wie viel mg',
      'cuantos miligramos',
      'quantos miligramas',
      'combien de milligrammes',
      'wie viele milligramm',
      'wie viel milligramm',
      'wieviel mg',
      'combien de mg',
      'cuantos mg',
      'quantos mg',
      'quelle dose',
      'que dosis',
      'welche dosis',
      'qual dose',
      'qual a dose',
      'كم ملغ',
    ],
    // Arabic nouns with and without the article: the phrase match is word for word.
    nouns: ['dose', 'dosage', 'posologie', 'dosis', 'dosierung', 'جرعة', 'الجرعة', 'جرعات', 'الجرعات'],
  },
  {
    kind: 'cost',
    asks: [
      'how much does',
      'how much is',
      'combien coute',
      'cuanto cuesta',
      'was kostet',
      'wie viel kostet',
      'wieviel kostet',
      'wie viel zahlt',
      'wieviel zahlt',
      'quanto custa',
      'بشحال',
    ],
    nouns: [
      'cost',
      'costs',
      'price',
      'prix',
      'precio',
      'kosten',
      'kostet',
      'preco',
      'تكلفة',
      'التكلفة',
      'تكلف',
      'سعر',
      'السعر',
    ],
  },
  {
    kind: 'chance',
    asks: ['what are the chances', 'what percentage', 'what percent'],
    nouns: [
      'success rate',
      // "what's the live birth rate per transfer?", "what are the odds": a rate asked beside a question word.
      'rate',
      'rates',
      'odds',
      'likelihood',
      'percentage',
      'tasa',
      'taxa',
      'chance of',
      'chances of',
      'probability',
      'taux de reussite',
      'chances de',
      'tasa de exito',
      'probabilidad',
      'erfolgsrate',
      'chance',
      'taxa de sucesso',
      'pourcentage',
      'porcentaje',
      'prozent',
      'percentagem',
      'porcentagem',
      'geburtenrate',
      'schwangerschaftsrate',
      'taux de grossesse',
      'tasa de embarazo',
      'taxa de gravidez',
      'نسبة',
      'النسبة',
      'نسبة النجاح',
    ],
  },
  {
    kind: 'level',
    asks: [
      'what level',
      'which level',
      'what value',
      'what cut off',
      'what cutoff',
      'what threshold',
      'how high',
      'how low',
      // "what's considered high?": the threshold itself. Not "considered normal": "is a 35-day cycle
      // considered normal?" asks about a length of time, not a lab value.
      'considered high',
      'considered low',
      'considered elevated',
      'counts as high',
      'counts as low',
      'quel taux',
      'quel seuil',
      'quelle valeur',
      'que nivel',
      'welcher wert',
      'qual nivel',
      'qual valor',
      // "above what DFI should we switch?": a threshold ("à partir de quel taux" is caught by its
      // level word; "ab welcher Follikelgröße" asks a size).
      'above what',
      'below what',
    ],
    nouns: ['cut off', 'cutoff', 'threshold', 'normal range', 'valor', 'grenzwert', 'رقم', 'الرقم'],
  },
  {
    kind: 'size',
    asks: [
      'how big',
      'what size',
      'how large',
      'how thick',
      'quelle taille',
      'que tamano',
      'wie gross',
      'wie dick',
      'qual tamanho',
    ],
    nouns: ['thickness', 'epaisseur', 'grosor', 'espesor', 'dicke', 'grosse', 'espessura', 'سمك'],
  },
  {
    kind: 'duration',
    asks: [
      'how long',
      'how many months',
      'how many years',
      'how many weeks',
      'how many days',
      // "how often" asks for an interval ("every 4 weeks"), a number with a time unit, not any number.
      'how often',
      'a quelle frequence',
      'con que frecuencia',
      'cada cuanto',
      'wie oft',
      'com que frequencia',
      'de quanto em quanto',
      'كل كم',
      'combien de temps',
      'cuanto tiempo',
      'wie lange',
      'quanto tempo',
      // "after how many months", in every language (before the bare "how many" of counts).
      'combien de mois',
      'combien de semaines',
      'combien de jours',
      'combien d annees',
      'combien d ans',
      'cuantos meses',
      'cuantas semanas',
      'cuantos dias',
      'cuantos anos',
      'wie viele monate',
      'wie vielen monaten',
      'wie viele wochen',
      'wie vielen wochen',
      'wie viele jahre',
      'wie vielen jahren',
      'wie viele tage',
      'wie vielen tagen',
      'quantos meses',
      'quantas semanas',
      'quantos dias',
      'quantos anos',
    ],
    nouns: ['dauer', 'duree', 'duracion', 'duracao'],
  },
  {
    kind: 'count',
    asks: [
      'how many',
      'what number',
      'combien',
      'cuantos',
      'cuantas',
      'wie viele',
      'wie vielen',
      'wie viel',
      'wieviel',
      'quantos',
      'quantas',
      'كم',
    ],
    nouns: [],
  },
];

/** Words that follow (or precede) a number to make it a quantity of each kind. */
const UNITS: Record<QuantityKind, readonly string[]> = {
  dose: ['mg', 'milligram', 'milligrams', 'mcg', 'ug', 'microgram', 'micrograms', 'iu', 'units', 'ui', 'g'],
  level: [
    'ng',
    'pg',
    'pmol',
    'nmol',
    'umol',
    'mmol',
    'iu',
    'miu',
    'uiu',
    'mu',
    'mui',
    'u',
    'mg',
    'ug',
    'percent',
    'million',
    // BMI thresholds: "BMI 30", "30 kg/m2" ("kg m2" once folded).
    'bmi',
    'kg',
    'm2',
  ],
  cost: ['gbp', 'usd', 'eur', 'euro', 'euros', 'pounds', 'dollars'],
  chance: ['percent', 'per', 'in'],
  duration: [
    'month',
    'months',
    'year',
    'years',
    'week',
    'weeks',
    'day',
    'days',
    'hour',
    'hours',
    'cycle',
    'cycles',
  ],
  size: ['mm', 'cm', 'millimetre', 'millimetres', 'millimeter', 'millimeters'],
  count: [],
};

/**
 * Words that frame a quantitative question rather than name its topic: the asking phrases and
 * quantity nouns above, the units, time words, and the outcome words a chance question is asked
 * in ("success rate" is read as live birth), in the six languages, plus the English words the
 * terminology expands them to ("combien de temps" → time, duration). A sentence that shares only
 * these with the question gives a number about something else: "after 12 weeks any bleeding needs
 * review" for "how long after a miscarriage at 8 weeks should we wait?", or a cumulative live
 * birth rate after IVF for "what is the success rate of micro-TESE?".
 */
// prettier-ignore
const FRAME_EXTRA = [
  'much', 'many', 'long', 'time', 'duration', 'need', 'needed', 'necessary', 'wait', 'waiting',
  'after', 'afterward', 'afterwards', 'later', 'until', 'before', 'often', 'frequency', 'number',
  'amount', 'quantity', 'exact', 'exactly', 'roughly', 'about', 'around', 'normal', 'high', 'low',
  'minimum', 'maximum', 'chance', 'chances', 'odds', 'rate', 'rates', 'percentage', 'percent',
  'likelihood', 'probability', 'risk', 'success', 'successful', 'live', 'birth', 'births',
  // French, Spanish, German, Portuguese, Arabic
  'temps', 'attendre', 'mois', 'semaine', 'semaines', 'jour', 'jours', 'ans', 'annee', 'annees',
  'taux', 'reussite', 'risque', 'pourcentage',
  'tiempo', 'esperar', 'mes', 'meses', 'semana', 'semanas', 'dia', 'dias', 'ano', 'anos', 'tasa',
  'exito', 'riesgo', 'porcentaje', 'probabilidad',
  'lange', 'warten', 'monat', 'monate', 'monaten', 'woche', 'wochen', 'jahr', 'jahre', 'jahren',
  'tag', 'tage', 'tagen', 'chancen', 'erfolgsrate', 'erfolgsquote', 'risiko',
  'tempo', 'quanto', 'taxa', 'sucesso', 'risco', 'porcentagem',
  'شهر', 'أشهر', 'شهور', 'أسبوع', 'أسابيع', 'سنة', 'سنوات', 'يوم', 'أيام', 'كم', 'نسبة', 'نجاح',
];

/** {@link FRAME_EXTRA}, the words of the asking phrases and quantity nouns, and the units. */
export const QUANTITY_FRAME_WORDS: readonly string[] = [
  ...new Set(
    [
      ...ASKS.flatMap((a) => [...a.asks, ...a.nouns]).flatMap((p) => foldText(p).split(/\s+/)),
      ...Object.values(UNITS).flat(),
      ...FRAME_EXTRA,
    ].filter((w) => w !== ''),
  ),
];

const UNIT_SETS = new Map((Object.keys(UNITS) as QuantityKind[]).map((k) => [k, new Set(UNITS[k])] as const));
const CURRENCY = /[£$€]/;

const spaced = (folded: string): string => ` ${folded.replace(/[^\p{L}\p{N}]+/gu, ' ')} `;

/** Words that make "what/which … <word>" ask for a lab value ("what AMH level", "quel taux d'AMH"). */
const LEVEL_WORDS = new Set([
  'level',
  'levels',
  'value',
  'values',
  'cutoff',
  'threshold',
  'range',
  'index',
  'score',
  'taux',
  'seuil',
  'valeur',
  'nivel',
  'niveles',
  'valor',
  'wert',
  'werte',
  'grenzwert',
  'niveis',
]);
/** The "what/which" words that, with a LEVEL_WORDS word in the same clause, ask for a lab value. */
const QUESTION_WORDS = new Set([
  'what',
  'which',
  'quel',
  'quelle',
  'quels',
  'que',
  'qual',
  'quais',
  'welcher',
  'welche',
  'welches',
  'welchem',
  'welchen',
  'cual',
  'cuales',
]);
/**
 * Question words of the six languages (folded): a quantity noun asks for the quantity only beside
 * one. With them, the verbs of a request ("give me the dose", "prescris-moi la dose exacte",
 * "schreib mir … mit genauer Dosierung") and the words that insist on a precise figure.
 */
const ANY_QUESTION_WORD = new Set([
  ...QUESTION_WORDS,
  'give',
  'tell',
  'prescribe',
  'write',
  'exact',
  'exactly',
  'donne',
  'donnez',
  'dis',
  'dites',
  'prescris',
  'prescrivez',
  'indiquez',
  'exacte',
  'precise',
  'dame',
  'dime',
  'digame',
  'receta',
  'recetame',
  'exacta',
  'exacto',
  'gib',
  'sag',
  'sagen',
  'schreib',
  'schreiben',
  'nenne',
  'nennen',
  'genau',
  'genaue',
  'genauer',
  'genauen',
  'diga',
  'diz',
  'receite',
  'prescreva',
  'exata',
  'exato',
  'اعطني',
  'اعطيني',
  'قل',
  'قولي',
  'اكتب',
  'الدقيقه',
  'بالضبط',
  'how',
  'whats',
  'quelles',
  'combien',
  'quoi',
  'quanto',
  'quanta',
  'quantos',
  'quantas',
  'cuanto',
  'cuanta',
  'cuantos',
  'cuantas',
  'was',
  'wie',
  'wieviel',
  'ما',
  'ماذا',
  'كم',
  'بكم',
  'شنو',
  'اش',
  'ايش',
  'ايه',
  'قديش',
  'شحال',
  'بشحال',
]);

// Each kind's phrases as one expression (word-bounded by the spaces `spaced` puts around words):
// one scan of the question per kind instead of one per phrase.
// Phrases are folded as the question is (Arabic ة is read as ه: "جرعة" never matched before
// 2026-11-26, nor "تكلفة").
const phrasePattern = (phrases: readonly string[]): RegExp | null =>
  phrases.length === 0
    ? null
    : new RegExp(` (?:${phrases.map((p) => escapeRegExp(spaced(foldText(p)).trim())).join('|')}) `, 'u');
const ASK_PATTERNS: ReadonlyArray<{ kind: QuantityKind; asks: RegExp | null; nouns: RegExp | null }> =
  ASKS.map(({ kind, asks, nouns }) => ({ kind, asks: phrasePattern(asks), nouns: phrasePattern(nouns) }));

/**
 * German compounds end in their head noun: "Follikelgröße" is a size, "Schleimhautdicke" a
 * thickness, "Tagesdosis" a dose, "Behandlungskosten" a cost, "Erfolgsrate" a rate,
 * "Progesteronspiegel" a level, "Behandlungsdauer" a length of time. A word ending in one of these
 * heads (with at least three letters before it) counts as the head itself — in a German question
 * only: "accurate" and "desperate" end in "rate" too.
 */
const GERMAN_HEADS: ReadonlyArray<readonly [string, string]> = [
  ['grosse', 'grosse'],
  ['dicke', 'dicke'],
  ['dosis', 'dosis'],
  ['dosierung', 'dosierung'],
  ['kosten', 'kosten'],
  ['rate', 'erfolgsrate'],
  ['quote', 'erfolgsrate'],
  ['spiegel', 'wert'],
  ['wert', 'wert'],
  ['werte', 'wert'],
  ['dauer', 'dauer'],
];
function withGermanHeads(clause: string): string {
  let extra = '';
  for (const w of clause.trim().split(' ')) {
    for (const [head, as] of GERMAN_HEADS) {
      if (w.length >= head.length + 3 && w.endsWith(head)) extra += ` ${as}`;
    }
  }
  return extra === '' ? clause : `${clause}${extra.trim()} `;
}

/** Sentence ends (a full stop only before a space or the end: "2.5 mg" is one clause). */
const CLAUSE_END = /[!?;\u061f\n]+|\.+(?=\s|$)/u;

/**
 * "Number" as the value itself, not a count: "what AMH number counts as low?", "what progesterone
 * number confirms ovulation?", "¿qué cifra…?" — but not "the number of embryos" (a count, after
 * which comes "of", "de", "d'", "von"). Added 2026-11-26 (ninth session): of the seven labelled
 * questions outside the held-out part asking so, five are unanswerable (a threshold the bank does not
 * give: "what number means I ovulated?"), which the entry naming the test could seem to answer; the two
 * answerable ones (the WHO's obesity BMI, a TSH target before IVF) are answered from entries that
 * give the number with its unit.
 */
const NUMBER_WORDS = new Set(['number', 'chiffre', 'cifra', 'numero', 'zahl', 'رقم']);
const COUNT_LINKS = new Set(['of', 'de', 'd', 'des', 'du', 'del', 'von', 'der', 'da', 'do', 'dos', 'das']);
const WHICH = new Set(['what', 'which', 'quel', 'quelle', 'que', 'qual', 'welche', 'welcher', 'welches']);
/** Words between "what" and "number" that make it a count or a number already given ("the maximum number", "that number"). */
const NOT_A_VALUE = new Set([
  'is',
  's',
  'the',
  'a',
  'that',
  'this',
  'maximum',
  'minimum',
  'max',
  'min',
  'total',
  'best',
  'right',
  'ideal',
  'same',
  'el',
  'le',
  'la',
  'o',
  'der',
  'die',
  'das',
]);
function asksForANumber(words: readonly string[]): boolean {
  return words.some(
    (w, i) =>
      NUMBER_WORDS.has(w) &&
      !COUNT_LINKS.has(words[i + 1] ?? '') &&
      (WHICH.has(words[i - 1] ?? '') ||
        (WHICH.has(words[i - 2] ?? '') && !NOT_A_VALUE.has(words[i - 1] ?? ''))),
  );
}

/**
 * The kind of number the question asks for, or null for a non-quantitative question. `folded` is
 * the question folded (foldText), punctuation kept: clauses are read one at a time. `language` is
 * the question's (German compounds are read by their head noun in German only).
 */
export function quantityAsked(folded: string, language?: string): QuantityKind | null {
  const clauses = folded
    .split(CLAUSE_END)
    .map((c) => (language === 'de' ? withGermanHeads(spaced(c)) : spaced(c)))
    .filter((c) => c.trim() !== '');
  // Each clause's words, and whether it has a question word, worked out once for every kind.
  const clauseWords = clauses.map((c) => c.trim().split(' '));
  const asking = clauseWords.map((words) => words.some((w) => ANY_QUESTION_WORD.has(w)));
  for (const { kind, asks, nouns } of ASK_PATTERNS) {
    for (let i = 0; i < clauses.length; i++) {
      const t = clauses[i]!;
      const words = clauseWords[i]!;
      if (
        kind === 'level' &&
        (words.some((w) => LEVEL_WORDS.has(w)) || asksForANumber(words)) &&
        words.some((w) => QUESTION_WORDS.has(w))
      )
        return 'level';
      if (asks?.test(t)) return kind;
      if (asking[i] && nouns?.test(t)) return kind;
    }
  }
  return null;
}

// The same knowledge-bank sentences are checked for every quantitative question that retrieves
// them: their numbers and folded words are worked out once (bounded, so memory stays flat).
const SENTENCE_CACHE_LIMIT = 20_000;
const sentenceCache = new Map<string, { numbers: readonly string[]; words: readonly string[] }>();

function analyseSentence(sentence: string): { numbers: readonly string[]; words: readonly string[] } {
  let a = sentenceCache.get(sentence);
  if (!a) {
    a = {
      numbers: numbersIn(sentence),
      words: spaced(
        sentence.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/µ|μ/g, 'u'),
      ).split(' '),
    };
    if (sentenceCache.size >= SENTENCE_CACHE_LIMIT) sentenceCache.clear();
    sentenceCache.set(sentence, a);
  }
  return a;
}

/**
 * Whether `sentence` gives a quantity of `kind`: a number that is not a year and not one the
 * question itself gave, with a unit of that kind next to it (or a currency sign for costs, a
 * per-cent sign for chances).
 */
export function quantityGivenIn(
  kind: QuantityKind,
  sentence: string,
  questionNumbers: ReadonlySet<string>,
): boolean {
  const { numbers: stated, words } = analyseSentence(sentence);
  const numbers = stated.filter((v) => !(Number(v) >= 1900 && Number(v) <= 2100) && !questionNumbers.has(v));
  if (numbers.length === 0) return false;
  if (kind === 'count') return true;
  if (kind === 'cost' && CURRENCY.test(sentence)) return true;
  if ((kind === 'chance' || kind === 'level') && sentence.includes('%')) return true;
  const units = UNIT_SETS.get(kind)!;
  for (let i = 0; i < words.length; i++) {
    if (!/^\d+([.,]\d+)?$/.test(words[i]!)) continue;
    // "2.5 mg", "2.5mg" (split by folding), "25 ng/mL" → "25 ng ml"
    if (units.has(words[i + 1] ?? '') || units.has(words[i - 1] ?? '')) return true;
  }
  return false;
}
