/**
 * @module pipeline/retrieve/spelling
 * British → American spelling for index terms, so that "oestradiol" meets "estradiol",
 * "fertilisation" meets "fertilization", "amenorrhoea" meets "amenorrhea" and "gonadotrophin"
 * meets "gonadotropin". The knowledge bank cites British sources (NICE, RCOG, ESHRE) and American
 * ones (ASRM, ACOG); questions come in either spelling.
 *
 * Rules apply to single lower-case ASCII words before stemming, to documents and queries alike.
 * Mapping one word wrongly but consistently ("exercise" → "exercize") is harmless; what would
 * hurt is merging two different words, so the rules are limited to patterns that only occur in
 * the spelling variants (medical Greek/Latin digraphs, -ise/-yse verbs, -our and -re word lists).
 */

/** Whole-word or word-start replacements for digraphs of Greek and Latin medical words. */
const PREFIX_RULES: Array<[RegExp, string]> = [
  [/^haem/, 'hem'], // haemoglobin, haemorrhage, haematology
  [/^paed/, 'ped'], // paediatric
  [/^orthopaed/, 'orthoped'],
  [/^gynaec/, 'gynec'], // gynaecology
  [/^aetiol/, 'etiol'], // aetiology
  [/^caesar/, 'cesar'], // caesarean
  [/^faec/, 'fec'], // faecal
  [/^oestr/, 'estr'], // oestrogen, oestradiol, oestrus
  [/^oedem/, 'edem'], // oedema
  [/^oesophag/, 'esophag'],
  [/^foet/, 'fet'], // foetus, foetal
  [/^coeliac/, 'celiac'],
  [/^homoeo/, 'homeo'],
  [/^sulph/, 'sulf'], // sulphate
  [/^anaesth/, 'anesth'], // anaesthesia
  [/^leukaem/, 'leukem'],
];

/** Replacements anywhere in a word. */
const INFIX_RULES: Array<[RegExp, string]> = [
  [/aemi(a|as|c)$/, 'emi$1'], // anaemia, ischaemia, hyperglycaemia, septicaemic
  [/rrhoea(l?)$/, 'rrhea$1'], // amenorrhoea, diarrhoea, oligomenorrhoea
  [/([pn])oea$/, '$1ea'], // apnoea, dyspnoea
  [/trophin(s?)$/, 'tropin$1'], // gonadotrophin, corticotrophin, thyrotrophin
];

/** -ise / -isation / -yse and their inflections, after a stem of at least three letters. */
const ISE = /^([a-z]{3,})is(e|es|ed|ing|er|ers|ation|ations|ational)$/;
const YSE = /^([a-z]{2,})ys(e|es|ed|ing|er|ers)$/;

/** -our words (a list: "four", "hour", "pour", "tour", "your" must stay). */
const OUR_WORDS = new Set([
  'tumour',
  'behaviour',
  'colour',
  'favour',
  'labour',
  'honour',
  'humour',
  'odour',
  'vapour',
  'rumour',
  'neighbour',
  'flavour',
  'fervour',
  'vigour',
  'rigour',
  'endeavour',
]);
const OUR = /^([a-z]+)our(s|ed|ing|al|ally|able|ite|ites|ous)?$/;

/** -re words (a list: "genre", "acre", "ogre" must stay). */
const RE = /^([a-z]*(?:centr|fibr|litr|metr|theatr|calibr|spectr|lustr|meagr))e(s|d)?$/;

/** Whole-word variants. */
const WORDS: Record<string, string> = {
  ageing: 'aging',
  programme: 'program',
  programmes: 'programs',
  grey: 'gray',
  mould: 'mold',
  moulds: 'molds',
  aluminium: 'aluminum',
  judgement: 'judgment',
  judgements: 'judgments',
  catalogue: 'catalog',
  analogue: 'analog',
  analogues: 'analogs',
  manoeuvre: 'maneuver',
  manoeuvres: 'maneuvers',
};

/** One word in American spelling (unchanged when no rule applies or it is not lower-case ASCII). */
export function americanSpelling(word: string): string {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return word;
  const whole = WORDS[word];
  if (whole !== undefined) return whole;
  let w = word;
  for (const [re, to] of PREFIX_RULES) w = w.replace(re, to);
  for (const [re, to] of INFIX_RULES) w = w.replace(re, to);
  const our = OUR.exec(w);
  if (our !== null && OUR_WORDS.has(`${our[1]}our`)) return `${our[1]}or${our[2] ?? ''}`;
  const re = RE.exec(w);
  if (re !== null) return `${re[1]!.slice(0, -1)}er${re[2] ?? ''}`;
  w = w.replace(ISE, '$1iz$2').replace(YSE, '$1yz$2');
  return w;
}
