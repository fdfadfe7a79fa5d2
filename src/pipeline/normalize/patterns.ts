/**
 * @module pipeline/normalize/patterns
 * Every regular expression used to read lab reports lives here: line clean-up, cells and chunks,
 * numbers, comparators, flags, units (shape only — the unit itself is parsed by `src/units`),
 * reference ranges, header and non-result lines, report languages, the readers' sniffers and
 * the de-identification patterns.
 *
 * Why one module: `patterns.test.ts` runs each of them against long adversarial inputs, so a
 * pattern that backtracks catastrophically cannot slip in elsewhere. The rules that keep them
 * linear, and that a new pattern must follow:
 * - patterns used for scanning (`g`) start with a required, specific character or are bounded
 *   (`{1,64}`), never with an unbounded run that can fail at its end (`\s*\.{3}` on a long run
 *   of spaces is quadratic);
 * - no nested unbounded quantifiers over overlapping classes;
 * - whole-string classifiers are anchored (`^…$`) and applied to one chunk or one cell.
 * Multilingual word lists are data-like but kept here because they only make sense as part of
 * the patterns built from them.
 */
import { escapeRegExp } from '../../terminology/text.js';

// ---------------------------------------------------------------------------------------------
// Building helpers

/**
 * Alternation of literal words, longest first so that "patient id" wins over "patient".
 * Spaces in a word match one whitespace character (bounded, no runs).
 */
function alternation(words: readonly string[]): string {
  return [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => escapeRegExp(w).replace(/ /g, '\\s'))
    .join('|');
}

// ---------------------------------------------------------------------------------------------
// Line clean-up (applied once per line before anything else)

/** Unicode spaces that reports use between columns (NBSP, thin and figure spaces, ideographic). */
export const UNICODE_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
/** Zero-width and bidirectional marks that PDF extraction and RTL text leave behind. */
export const INVISIBLES = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/**
 * Dot leaders and filler runs between a name and its value: "AMH ........ 1.2", "AMH . . . . 1.2",
 * "AMH …… 1.2", "AMH ____ 1.2". Starts with a dot/ellipsis/underscore, so a long run of spaces
 * costs nothing.
 */
export const LEADER = /(?:\. ?){2,}\.|…+|_{3,}/g;
/** Whether a line holds Eastern Arabic or Persian digits (non-global: safe with `test`). */
export const HAS_EASTERN_DIGIT = /[\u0660-\u0669\u06f0-\u06f9]/;
/** Line breaks of any convention (CRLF, CR, LF, Unicode line/paragraph separators). */
export const LINE_BREAK = /\r\n|[\r\n\u2028\u2029\u0085]/;

// ---------------------------------------------------------------------------------------------
// Chunks and cells

/** A maximal run of non-whitespace: the unit the line parser walks over. */
export const CHUNK = /\S+/g;
/**
 * A column gap: a tab, two or more spaces, or a pipe. Cells of aligned reports are separated by
 * these; a single space separates words inside a cell.
 */
export const COLUMN_GAP = /\t[\t ]*| {2,}|[ \t]?\|[ \t]?/g;

/** Runs of whitespace (collapsed to one space in names and ranges). */
export const WHITESPACE_RUN = /\s+/g;
/** Pipes are table borders: they separate columns like tabs. */
export const PIPE = /\|/g;
/** List markers before a name: "1. AMH", "2) FSH", "• LH", "- TSH". */
export const LIST_MARKER = /^(?:\d{1,3}[.)]|[•·▪◦*-])\s/u;
/** A chunk opening / closing a bracketed group. */
export const OPENS_BRACKET = /^[([{]/;
export const CLOSES_BRACKET = /[)\]}]$/;
/** A range separator standing alone between two numbers: "8.6 - 29", "3.5 to 12.5". */
export const RANGE_SEPARATOR_CHUNK = /^(?:-|–|—|−|~|to|a|à|bis|até|ate|au|al)$/i;
/** A range separator glued to the next number: "8.6 -29". */
export const RANGE_SEPARATOR_GLUED = /^[-–—−~]\d/;
/** Parentheses around a flag: "(H)". */
export const FLAG_PARENS = /^\(|\)$/g;
/** Only ASCII digits. */
export const DIGITS_ONLY = /^\d+$/;
/** One ASCII digit (to write a number back in Eastern Arabic digits). */
export const ASCII_DIGIT = /\d/g;
/** A literal comma. */
export const COMMA = /,/g;
/** A literal dot (to swap thousands marks). */
export const DOT = /\./g;

// ---------------------------------------------------------------------------------------------
// Numbers and values

/** A number as printed: digits with '.' or ',' separators, or a leading separator (".5"). */
export const NUMBER_TEXT = /^(?:\d[\d.,]*|[.,]\d+)$/;
/** Digit groups of a number, for the thousands/decimal decision in `line.ts`. */
export const NUMBER_SEPARATORS = /[.,]/g;
/** Thousands groups: Western (3 digits) or Indian lakh grouping (2 digits before the last 3). */
export const WESTERN_GROUPS = /^\d{1,3}(?:[.,]\d{3})+$/;
export const INDIAN_GROUPS = /^\d{1,2}(?:,\d{2})*,\d{3}$/;
/**
 * A value chunk: optional comparator, optional arrow, the number, optional glued flag:
 * "<1", "≥1,4", "↑5.1", "8,57*", "12.5H", "3.1(L)", "5.1↑".
 */
export const VALUE_CHUNK =
  /^(?<cmp><=|>=|=<|=>|[<>≤≥])?(?<pre>[↑↓▲▼])?(?<num>\d[\d.,]*\d|\d|[.,]\d+)(?<post>\*{1,2}|[↑↓▲▼]|\(?(?:HH|LL|H|L)\)?)?$/u;
/** A value chunk with its unit glued on: "1.2ng/mL", "45%", "<0,1UI/l". */
export const VALUE_UNIT_CHUNK =
  /^(?<cmp><=|>=|=<|=>|[<>≤≥])?(?<num>\d[\d.,]*\d|\d|[.,]\d+)(?<unit>[%‰]|[a-zA-Zµμ][^\s]*)$/u;
/** A power of ten inside a unit ("10^6/mL", "10*6", "x10E6"): its digits are not a second value. */
export const POWER_OF_TEN = /10(?:\^|\*\*?|[eE])-?\d{1,2}/g;
/** A comparator on its own ("<", "≤", ">="), followed by the number in the next chunk. */
export const COMPARATOR_CHUNK = /^(?:<=|>=|=<|=>|[<>≤≥])$/;
/** An arrow on its own ("↑ 5.1"). */
export const ARROW_CHUNK = /^[↑↓▲▼]$/;
/** Numbers counted to guess the report's decimal separator: two-digit decimals are unambiguous. */
export const DECIMAL_COMMA_SAMPLE = /(?:^|[^\d.,])\d{1,4},\d{1,2}(?![\d.,])/g;
export const DECIMAL_POINT_SAMPLE = /(?:^|[^\d.,])\d{1,4}\.\d{1,2}(?![\d.,])/g;
/** Any digit: a line without one is never a result line. */
export const HAS_DIGIT = /\d/;
/** Any letter (a result name needs one). */
export const HAS_LETTER = /\p{L}/u;

// ---------------------------------------------------------------------------------------------
// The lab's own flags

/** Flag codes, case-sensitive because "l" may be a litre and "a" a range separator. */
export const FLAG_CODE = /^\(?(?:HH|LL|H|L|A|AA|N)\)?$|^\*{1,2}$|^[↑↓▲▼]$/u;
/** Flag words in the six languages (case-insensitive). */
export const FLAG_WORD =
  /^\(?(?:high|low|abnormal|normal|haut|bas|élevé|elevé|eleve|anormal|alto|alta|bajo|baja|baixo|baixa|hoch|niedrig|erhöht|erniedrigt|مرتفع|منخفض|طبيعي)\)?$/iu;
/** Words meaning high / low / normal once a flag is recognised (folded to lower case). */
export const FLAG_HIGH = /^(?:hh|h|↑|▲|high|haut|élevé|elevé|eleve|alto|alta|hoch|erhöht|مرتفع)$/u;
export const FLAG_LOW = /^(?:ll|l|↓|▼|low|bas|bajo|baja|baixo|baixa|niedrig|erniedrigt|منخفض)$/u;
export const FLAG_NORMAL = /^(?:n|normal|طبيعي)$/u;

// ---------------------------------------------------------------------------------------------
// Units (shape only; `parseUnit` decides what the unit is)

/**
 * A chunk that can start or continue a unit: letters, µ, %, ‰, °, '/', '[', powers of ten
 * ("10^6/mL", "10*6", "x10⁶/ml", "10E6"). Rejects range words, which `RANGE_WORD_CHUNK` catches.
 */
export const UNIT_CHUNK =
  /^(?:[x×]?10(?:\^|\*\*?|[eE])?[-−]?\d{1,2}(?:[/\p{L}µμ][^\s]*)?|[x×]?10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]{1,3}(?:[/\p{L}µμ][^\s]*)?|[x×]|[\p{L}µμ%‰°/[][^\s]*)$/u;
/** Chunks that open a reference range in words, so they are never taken as a unit. */
export const RANGE_WORD_CHUNK =
  /^(?:up|upto|to|hasta|jusqu['’]?(?:à|a)?|bis|até|ate|less|below|under|more|greater|above|over|menor|mayor|más|mas|mais|menos|unter|über|kleiner|größer|inférieur|inferieur|supérieur|superieur|inferior|superior|inf\.?|sup\.?|ref\.?|réf\.?|rr|vr|vn|ir|ri|normal(?:e|es)?:?|référence|reference|referencia|referência|referenz\p{L}*|valeurs?|valores?|range|rango|intervalo|intervalle|min\.?|max\.?|<=|>=|[<>≤≥]|أقل|أكثر|حتى)$/iu;

// ---------------------------------------------------------------------------------------------
// Reference ranges

const NUM = String.raw`(?:\d[\d.,]*\d|\d|[.,]\d+)`;
/** A unit after a range bound: starts with a letter, µ, %, ° or '[' (a space before it is optional), or '/' and a letter — never ':' (a time) or a digit. */
const UNIT_TAIL = String.raw`(?:\s?(?<unit>(?:[\p{L}µμ%‰°[]|\/\p{L}).*))?`;
const RANGE_LABEL_WORDS = [
  'ref',
  'ref.',
  'ref range',
  'ref. range',
  'reference range',
  'reference interval',
  'reference',
  'biological reference interval',
  'normal range',
  'normal',
  'rr',
  'vr',
  'vn',
  'ir',
  'ri',
  'réf',
  'réf.',
  'valeurs de référence',
  'valeur de référence',
  'valeurs usuelles',
  'valeurs normales',
  'v.r.',
  'valores de referencia',
  'valor de referencia',
  'valores normales',
  'intervalo de referencia',
  'rango de referencia',
  'rango',
  'referenzbereich',
  'referenzwert',
  'referenzwerte',
  'normbereich',
  'normwert',
  'valores de referência',
  'valor de referência',
  'intervalo de referência',
  'القيم المرجعية',
  'المعدل الطبيعي',
  'المرجع',
];
/** Label printed before a range: "Ref:", "Ref. range", "VR", "Valeurs de référence :", "Normal:". */
export const RANGE_LABEL = new RegExp(
  String.raw`^(?:` + alternation(RANGE_LABEL_WORDS) + String.raw`)\s?[:=]?\s?`,
  'iu',
);
/**
 * A line that holds only a range under its label, below the result line of block layouts
 * ("Valor de referência: 1,00 a 4,00 ng/mL"). A colon is required.
 */
export const RANGE_LINE = new RegExp(
  String.raw`^[ \t]{0,8}(?:` + alternation(RANGE_LABEL_WORDS) + String.raw`)[ \t]{0,4}[:：][ \t]{0,4}`,
  'iu',
);
/** The value line of block layouts ("Resultado: 3,10 ng/mL"): the name is the heading above. */
export const RESULT_LABEL =
  /^(?:result|results|résultat|resultat|resultado|ergebnis|wert|valor|value|النتيجة)$/iu;
/** A method line ("Méthode : ECLIA", "Method: CLIA", "Método: Eletroquimioluminescência"). */
export const METHOD_LINE =
  /^[ \t]{0,8}(?:method|methodology|méthode|methode|technique|método|metodo|técnica|methodik|الطريقة)[ \t]{0,4}[:：][ \t]{0,4}(?<m>\S.{0,120})$/iu;
/** Parts of a method line value: "ECLIA (Roche Elecsys)" → "ECLIA", "Roche Elecsys". */
export const METHOD_PARTS = /[^(),;/]+/g;
/** End-of-report markers: the results table is over. */
export const END_OF_REPORT =
  /end\sof\s(?:the\s)?report|fin\sdu\scompte[\s-]rendu|fin\sdel\sinforme|ende\sdes\sbefundes|fim\sdo\slaudo|fim\sdo\srelatório|نهاية\sالتقرير/iu;

/**
 * A sex label before a range: words in six languages with an optional colon, or a single
 * letter (M, F, H for "homme/hombre", W for "weiblich") with a required colon or equals sign.
 */
export const SEX_RANGE_LABEL =
  /^(?:(?<label>males?|men|man|hommes?|hombres?|varón|varones|männer|mann|männlich|homens?|masculino|ذكور|ذكر|rijal|females?|women|woman|femmes?|mujer(?:es)?|frauen|frau|weiblich|mulher(?:es)?|feminino|إناث|أنثى)\s?[:=]?|(?<label2>[MFHW])\s?[:=])\s?/iu;
/** A sex label standing alone (its colon was read as a column separator). */
export const SEX_LABEL_ONLY =
  /^(?:males?|men|man|hommes?|hombres?|varón|varones|männer|mann|männlich|homens?|masculino|ذكور|ذكر|females?|women|woman|femmes?|mujer(?:es)?|frauen|frau|weiblich|mulher(?:es)?|feminino|إناث|أنثى|[MFHW])$/iu;
/** The label names the male range (anything else the SEX_RANGE_LABEL matched is female). */
export const MALE_LABEL =
  /^(?:males?|men|man|hommes?|hombres?|varón|varones|männer|mann|männlich|homens?|masculino|ذكور|ذكر|rijal|[MH])$/iu;
/** Where one column holds both sexes' ranges: "M: 264-916; F: 8-48", "Men 10-40 / Women 5-20". */
export const SEX_RANGE_SPLIT =
  /\s?[;|]\s?|\s\/\s(?=(?:males?|men|hommes?|hombres?|männer|mann|homens?|females?|women|femmes?|mujer(?:es)?|frauen|frau|mulher(?:es)?|[MFHW]\s?[:=]))|\s(?=(?:males?|men|hommes?|hombres?|männer|homens?|females?|women|femmes?|mujeres|frauen|mulheres|[MFHW]\s?[:=])\s?[:=]?\s?\d)/iu;
/** Brackets around a range: "(7,1 - 28,6)", "[2.0-6.8]", "{1-4}". */
export const BRACKETED = /^[([{](?<inner>[^)\]}]*)[)\]}]$/;
/** "low - high" with any dash or word separator, optionally followed by a unit. */
export const RANGE_INTERVAL = new RegExp(
  String.raw`^(?<lo>${NUM})\s?(?:-|–|—|−|~|to|a|à|au|al|bis|até|ate|إلى)\s?(?<hi>${NUM})${UNIT_TAIL}$`,
  'iu',
);
/** "< 34", "≤ 25", "up to 25", "hasta 25", "jusqu'à 25", "bis 25", "até 25", "less than 25". */
export const RANGE_UPPER = new RegExp(
  String.raw`^(?<op><=|=<|≤|<|up\sto|upto|hasta|jusqu['’]?\s?(?:à|a)|bis|até|ate|less\sthan|below|under|inférieur\sà|inferieur\sa|inf\.?\sà|menor\sque|menor\sde|menos\sde|unter|kleiner\sals|inferior\sa|max\.?|أقل\sمن|حتى)\s?(?<v>${NUM})${UNIT_TAIL}$`,
  'iu',
);
/** "> 1.4", "≥1.4", "more than 1.4", "supérieur à 1,4", "mayor que 1,4", "über 1,4", "min 1.4". */
export const RANGE_LOWER = new RegExp(
  String.raw`^(?<op>>=|=>|≥|>|more\sthan|greater\sthan|above|over|supérieur\sà|superieur\sa|sup\.?\sà|mayor\sque|mayor\sde|más\sde|mais\sde|über|größer\sals|superior\sa|min\.?|أكثر\sمن)\s?(?<v>${NUM})${UNIT_TAIL}$`,
  'iu',
);
/** A bare number, possibly with a unit: a lower reference limit column of a semen report. */
export const RANGE_BARE = new RegExp(String.raw`^(?<v>${NUM})${UNIT_TAIL}$`, 'u');

// ---------------------------------------------------------------------------------------------
// Table headers and non-result lines

/** Column headings of a results table (six languages): a line of these is a header, not a result. */
export const HEADER_WORD = new RegExp(
  String.raw`(?:^|[\s|;,/])(?:` +
    alternation([
      'test',
      'tests',
      'test name',
      'investigation',
      'parameter',
      'analyte',
      'examination',
      'result',
      'results',
      'value',
      'unit',
      'units',
      'flag',
      'method',
      'reference',
      'range',
      'interval',
      'examen',
      'analyse',
      'paramètre',
      'résultat',
      'résultats',
      'valeur',
      'unité',
      'unités',
      'méthode',
      'référence',
      'prueba',
      'determinación',
      'parámetro',
      'resultado',
      'resultados',
      'valor',
      'unidad',
      'unidades',
      'método',
      'referencia',
      'untersuchung',
      'analyt',
      'ergebnis',
      'wert',
      'einheit',
      'methode',
      'referenzbereich',
      'exame',
      'parâmetro',
      'unidade',
      'referência',
      'الفحص',
      'التحليل',
      'النتيجة',
      'الوحدة',
      'المرجع',
    ]) +
    String.raw`)(?=$|[\s|;,/:])`,
  'giu',
);
/**
 * Column heading announcing a lower reference limit (WHO semen reports): a bare number in that
 * column is a lower bound, not a second value.
 */
export const LOWER_LIMIT_HEADER =
  /lower\sreference\slimit|lower\slimit|\blrl\b|limite\sinf[ée]rieure|l[íi]mite\sinferior|unterer?\s(?:referenz)?grenzwert|untere\sreferenzgrenze|الحد\sالأدنى/iu;
/**
 * Labels of header lines that carry a number but are not results (age, sex, dates, pages,
 * times, abstinence is a result but not a lab analyte and is handled by naming).
 */
export const NON_RESULT_LABEL = new RegExp(
  String.raw`^(?:` +
    alternation([
      'age',
      'age/sex',
      'age / sex',
      'age/gender',
      'sex',
      'gender',
      'âge',
      'sexe',
      'edad',
      'sexo',
      'alter',
      'geschlecht',
      'idade',
      'العمر',
      'الجنس',
      'page',
      'página',
      'pagina',
      'seite',
      'date',
      'fecha',
      'datum',
      'data',
      'تاريخ',
      'time',
      'heure',
      'hora',
      'zeit',
      'collected',
      'received',
      'reported',
      'registered',
      'printed',
      'prélevé',
      'prélèvement',
      'édité',
      'recu',
      'reçu',
      'extracción',
      'recepción',
      'entnahme',
      'eingang',
      'colheita',
      'recebido',
      'report',
      'rapport',
      'informe',
      'befund',
      'relatório',
      'ward',
      'bed',
      'room',
      'version',
      'ver',
      'interpretation',
      'comment',
      'comments',
      'note',
      'notes',
      'remark',
      'remarks',
      'commentaire',
      'remarque',
      'conclusion',
      'nota',
      'comentario',
      'observación',
      'observaciones',
      'hinweis',
      'kommentar',
      'bemerkung',
      'beurteilung',
      'observação',
      'observações',
      'comentário',
      'ملاحظة',
      'ملاحظات',
      'تعليق',
      'method',
      'méthode',
      'método',
      'methode',
      'technique',
      'specimen',
      'sample',
      'échantillon',
      'muestra',
      'probe',
      'amostra',
      'العينة',
    ]) +
    String.raw`)(?=$|[\s:./,-])`,
  'iu',
);
/**
 * Words that make a report a semen analysis: bare column names ("Volume", "pH") are then named
 * with the semen specimen in mind.
 */
export const SEMEN_REPORT = /sperm|semen|seminal|ejacul|eyacul|ejakul|espermat|spermat|المني/iu;

// ---------------------------------------------------------------------------------------------
// Report languages (a few frequent words each; Arabic by script)

export const LANGUAGE_MARKERS: ReadonlyArray<readonly [string, RegExp]> = [
  [
    'en',
    /\b(?:results?|reference|range|units?|investigation|count|motility|morphology|lower|limit|interval|fasting|collected|reported|referred)\b/giu,
  ],
  [
    'fr',
    /(?:^|[^\p{L}])(?:résultats?|valeurs?|référence|unités?|sérique|dosage|numération|mobilité|spermatozoïdes|bilan|prélevé|prescripteur|biologiste|antériorité|née?)(?![\p{L}])/giu,
  ],
  [
    'es',
    /(?:^|[^\p{L}])(?:referencia|unidad(?:es)?|suero|recuento|movilidad|prueba|determinación|hasta|nacimiento|petición|ayunas|glucemia|extracción|observaciones)(?![\p{L}])/giu,
  ],
  [
    'de',
    /(?:^|[^\p{L}])(?:ergebnis|ergebnisse|einheit|referenzbereich|normbereich|befund|untersuchung|spermien|beweglichkeit|patientin|einsender|eingang|beurteilung)(?![\p{L}])/giu,
  ],
  [
    'pt',
    /(?:^|[^\p{L}])(?:referência|unidade|hormônio|exame|soro|contagem|motilidade|até|coleta|nascimento|atendimento|laudo)(?![\p{L}])/giu,
  ],
];
export const ARABIC_SCRIPT = /[\u0600-\u06ff]/u;
/** Any Arabic letter (non-global, for `test`). */
export const HAS_ARABIC = /[\u0621-\u064a]/u;
/** Latin letters, to split bilingual Arabic/English names. */
export const LATIN_RUN = /[A-Za-z][A-Za-z0-9 ()'.,+-]{0,80}/g;
/** Separator between the two halves of a bilingual name: "Hormone anti-müllérienne / AMH". */
export const BILINGUAL_SPLIT = / \/ | - | – /;
/** A trailing parenthesised group of a name: "(CLIA)", "(E2)". */
export const PAREN_GROUP = /\(([^()]{1,60})\)/g;

// ---------------------------------------------------------------------------------------------
// Readers

/** A file name's extension (the hint used when content alone is ambiguous). */
export const FILE_EXTENSION = /\.([A-Za-z0-9]{1,8})$/;
/** PDF signature within the first bytes. */
export const PDF_MAGIC = /^[\s\ufeff]{0,64}%PDF-/;
/** HL7 v2: MSH (or a batch/file header) at the very start, after optional MLLP framing. */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern detects
export const HL7_START = /^[\s\u000b\ufeff]{0,16}(?:MSH|FHS|BHS)(?=[^A-Za-z0-9\s])/;
/** An HL7 segment id at the start of a segment. */
export const HL7_SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;
/** HL7 escape sequences (\F\, \S\, \T\, \R\, \E\, \Xhh\, \.br\). */
export const HL7_ESCAPE = /\\(F|S|T|R|E|\.br|X[0-9A-Fa-f]{2,16})\\/g;
/** HL7 escape sequences for a message whose escape character is not the default backslash. */
export function hl7EscapePattern(escape: string): RegExp {
  const e = escapeRegExp(escape);
  return new RegExp(`${e}(F|S|T|R|E|\\.br|X[0-9A-Fa-f]{2,16})${e}`, 'g');
}
/** Characters that cannot be HL7 delimiters (letters, digits, whitespace). */
export const HL7_BAD_DELIMITER = /[A-Za-z0-9\s]/;
/** MLLP framing characters around an HL7 message. */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern detects
export const MLLP_FRAME = /[\u000b\u001c]/g;
/** Characters that mark binary content (C0 controls other than tab, CR, LF, FF, VT, ESC). */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern detects
export const BINARY_CONTROL = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/g;
/** The Unicode replacement character left by invalid UTF-8. */
export const REPLACEMENT_CHAR = /\ufffd/g;
/** CSV header cells by role (six languages). Matched against one folded cell. */
export const CSV_HEADER_ROLES: ReadonlyArray<readonly [string, RegExp]> = [
  ['loinc', /^(?:loinc|loinc\s?code|code\sloinc|codigo\sloinc|código\sloinc|loinc-code|code)$/iu],
  [
    'lowerLimit',
    /^(?:lower\sreference\slimit|lower\slimit|lrl|limite\sinf[ée]rieure(?:\sde\sr[ée]f[ée]rence)?|l[íi]mite\sinferior(?:\sde\sreferencia|\sde\sreferência)?|unterer\sgrenzwert|untere\sreferenzgrenze|الحد\sالأدنى)(?:\s?\(.{0,40}\))?$/iu,
  ],
  [
    'range',
    /^(?:ref|ref\.|ref\.?\srange|reference|reference\srange|reference\sinterval|reference\svalues?|biological\sreference\sinterval|bio\.?\sref\.?\sinterval|normal\srange|normal\svalues?|range|réf\.?|références?|valeurs?\sde\sréférence|valeurs?\sdes?\sréférence|valeurs?\susuelles|valeurs?\snormales|intervalle(?:\sde\sréférence)?|normes?|valores?\sde\sreferencia|valores?\snormales|rango|rango\sde\sreferencia|intervalo(?:\sde\sreferencia|\sde\sreferência)?|referenzbereich|referenzwerte?|normbereich|normwerte?|valores?\sde\sreferência|referência|المعدل\sالطبيعي|القيم\sالمرجعية|المرجع)$/iu,
  ],
  [
    'name',
    /^(?:test|tests|test\sname|name\sof\stest|investigation|investigations|parameter|parameters|analyte|analysis|examination|description|item|examen|analyse|paramètre|paramètres|libellé|libelle|nom\sde\sl['’]analyse|analyte|prueba|pruebas|determinación|determinacion|parámetro|parametro|análisis|analisis|estudio|untersuchung|parameter|analyt|test|bezeichnung|exame|exames|análise|parâmetro|parametro|teste|الفحص|التحليل|الاختبار)$/iu,
  ],
  [
    'value',
    /^(?:result|results|value|observed\svalue|résultat|résultats|valeur|resultado|resultados|valor|ergebnis|wert|messwert|befund|النتيجة|القيمة)$/iu,
  ],
  ['unit', /^(?:unit|units|uom|unité|unités|unidad|unidades|einheit|unidade|unidades|الوحدة|الوحدات)$/iu],
  [
    'flag',
    /^(?:flag|flags|indicator|abnormal|h\/l|interpretation|drapeau|indicateur|alerte|interprétation|marca|indicador|alerta|interpretación|hinweis|kennzeichen|markierung|bewertung|sinal|indicador|alerta|interpretação|علامة|التفسير)$/iu,
  ],
  [
    'method',
    /^(?:method|methods|technique|méthode|technique|método|técnica|methode|methodik|método|الطريقة)$/iu,
  ],
];
/** Quotes left around a header cell. */
export const SURROUNDING_QUOTES = /^"|"$/g;
/** CSV header cells that hold identifiers: the whole column is dropped. */
export const CSV_IDENTIFIER_HEADER =
  /^(?:patient|patient\sname|name|first\sname|last\sname|surname|nom|prénom|prenom|nombre|apellidos?|paciente|vorname|nachname|patientenname|nome|utente|الاسم|المريض|dob|d\.o\.b\.?|date\sof\sbirth|birth\sdate|date\sde\snaissance|fecha\sde\snacimiento|geburtsdatum|data\sde\snascimento|تاريخ\sالميلاد|mrn|uhid|ipp|nhc|nip|pid|patient\sid|id|patient\snumber|lab\sno\.?|lab\sid|sample\sid|sample\sno\.?|specimen\sid|accession|accession\sno\.?|barcode|n°\sdossier|dossier|numéro\sde\sdossier|historia|historia\sclínica|nº\shistoria|fallnummer|patienten-id|processo|nº\sprocesso|address|adresse|dirección|direccion|anschrift|endereço|morada|العنوان|phone|tel|téléphone|teléfono|telefon|telefone|هاتف|email|e-mail|courriel|correo|doctor|physician|médecin|medecin|médico|medico|arzt|referring\sdoctor|referred\sby|prescripteur|الطبيب|رقم\sالمريض|رقم\sالملف|رقم\sالعينة)$/iu;

// ---------------------------------------------------------------------------------------------
// De-identification

/** Labels whose value is a person's name (patients, relatives, doctors). */
const NAME_LABELS = [
  'name',
  'patient name',
  "patient's name",
  'pt name',
  'pt. name',
  'patient',
  'full name',
  'first name',
  'last name',
  'surname',
  'husband',
  "husband's name",
  'spouse',
  'partner',
  'wife',
  'father',
  "father's name",
  'guardian',
  'referred by',
  'ref. by',
  'ref by',
  'referring doctor',
  'referring physician',
  'ref. doctor',
  'ref doctor',
  'ref. dr',
  'doctor',
  'consultant',
  'physician',
  'clinician',
  'requested by',
  'ordered by',
  'ordering physician',
  'verified by',
  'approved by',
  'reported by',
  'authorised by',
  'authorized by',
  'pathologist',
  'nom',
  'prénom',
  'prenom',
  'nom du patient',
  'nom de naissance',
  "nom d'usage",
  'nom et prénom',
  'patient(e)',
  'patiente',
  'conjoint',
  'époux',
  'médecin',
  'medecin',
  'médecin prescripteur',
  'prescripteur',
  'prescrit par',
  'adressé par',
  'validé par',
  'biologiste',
  'nombre',
  'nombre del paciente',
  'nombre y apellidos',
  'apellidos',
  'paciente',
  'esposo',
  'pareja',
  'médico',
  'medico',
  'médico solicitante',
  'doctor solicitante',
  'solicitado por',
  'validado por',
  'vorname',
  'nachname',
  'patientenname',
  'patient(in)',
  'patientin',
  'ehemann',
  'partner(in)',
  'arzt',
  'ärztin',
  'einsender',
  'überweiser',
  'auftraggeber',
  'freigegeben von',
  'nome',
  'nome do paciente',
  'nome completo',
  'utente',
  'cônjuge',
  'marido',
  'médico requisitante',
  'médico solicitante',
  'requisitante',
  'الاسم',
  'اسم المريض',
  'اسم المريضة',
  'المريض',
  'المريضة',
  'الزوج',
  'الطبيب',
  'الطبيب المعالج',
];
/** Labels whose value is an identifier (patient, lab, sample, insurance, national ids). */
const ID_LABELS = [
  'mrn',
  'uhid',
  'ipp',
  'nhc',
  'nip',
  'nir',
  'nss',
  'ssn',
  'pid',
  'id',
  'patient id',
  'patient no',
  'patient no.',
  'patient number',
  'reg no',
  'reg. no',
  'reg. no.',
  'registration no',
  'registration no.',
  'lab no',
  'lab no.',
  'lab id',
  'lab ref',
  'lab ref.',
  'lab number',
  'sample id',
  'sample no',
  'sample no.',
  'sample number',
  'specimen id',
  'specimen no',
  'accession',
  'accession no',
  'accession no.',
  'accession number',
  'barcode',
  'bar code',
  'visit id',
  'visit no',
  'order no',
  'order id',
  'request no',
  'requisition no',
  'episode',
  'episode no',
  'case no',
  'file no',
  'aadhaar',
  'aadhar',
  'passport',
  'passport no',
  'insurance no',
  'policy no',
  'emirates id',
  'civil id',
  'n° dossier',
  'nº dossier',
  'no dossier',
  'dossier',
  'n° de dossier',
  'numéro de dossier',
  'n° demande',
  'n° de demande',
  'n° échantillon',
  'n° patient',
  'n° ipp',
  'n° sécurité sociale',
  'identifiant',
  'historia',
  'historia clínica',
  'nº historia',
  'n° historia',
  'nº de muestra',
  'n° de muestra',
  'nº petición',
  'n° petición',
  'nº de petición',
  'petición',
  'nº paciente',
  'dni',
  'nie',
  'cip',
  'tarjeta sanitaria',
  'probennummer',
  'proben-nr',
  'proben-nr.',
  'auftragsnummer',
  'auftrags-nr',
  'auftrags-nr.',
  'fallnummer',
  'fall-nr',
  'fall-nr.',
  'patienten-id',
  'patienten-nr',
  'patienten-nr.',
  'versichertennummer',
  'labornummer',
  'processo',
  'nº processo',
  'n° processo',
  'nº utente',
  'n° utente',
  'nº amostra',
  'n° amostra',
  'nº do pedido',
  'pedido',
  'atendimento',
  'protocolo',
  'prontuário',
  'requisição',
  'crm',
  'cpf',
  'rg',
  'sns',
  'رقم المريض',
  'رقم الملف',
  'رقم العينة',
  'رقم الهوية',
  'رقم الطلب',
];
/** Labels whose value is a date of birth (the date is removed; an age beside it is kept). */
const DOB_LABELS = [
  'dob',
  'd.o.b',
  'd.o.b.',
  'date of birth',
  'birth date',
  'birthdate',
  'born',
  'date de naissance',
  'né le',
  'née le',
  'né(e) le',
  'ddn',
  'fecha de nacimiento',
  'fecha nac.',
  'f. nac.',
  'f.nac.',
  'nacimiento',
  'geburtsdatum',
  'geb.',
  'geb. am',
  'geboren',
  'data de nascimento',
  'data nasc.',
  'dt. nasc.',
  'nascimento',
  'تاريخ الميلاد',
  'تاريخ الولادة',
];
/** Labels whose value is a phone or fax number. */
const PHONE_LABELS = [
  'tel',
  'tel.',
  'tél',
  'tél.',
  'phone',
  'ph',
  'ph.',
  'mobile',
  'mob',
  'mob.',
  'cell',
  'contact',
  'contact no',
  'fax',
  'téléphone',
  'telephone',
  'portable',
  'teléfono',
  'telefono',
  'móvil',
  'movil',
  'telefon',
  'handy',
  'telefone',
  'telemóvel',
  'celular',
  'هاتف',
  'الهاتف',
  'جوال',
  'الجوال',
  'موبايل',
];
/** Labels whose value is a postal address. */
const ADDRESS_LABELS = [
  'address',
  'addr',
  'addr.',
  'patient address',
  'adresse',
  'domicile',
  'dirección',
  'direccion',
  'domicilio',
  'anschrift',
  'wohnort',
  'endereço',
  'endereco',
  'morada',
  'residência',
  'العنوان',
];
const EMAIL_LABELS = ['email', 'e-mail', 'courriel', 'correo', 'correo electrónico', 'البريد الإلكتروني'];
/** Header labels whose values are kept (age, sex, dates other than birth, …): they end a redaction. */
const KEPT_LABELS = [
  'age',
  'sex',
  'gender',
  'age/sex',
  'âge',
  'sexe',
  'edad',
  'sexo',
  'alter',
  'geschlecht',
  'idade',
  'العمر',
  'الجنس',
  'date',
  'collected',
  'received',
  'reported',
  'sample type',
  'specimen',
  'fecha',
  'datum',
  'data',
  'prélevé le',
  'تاريخ',
  'ward',
  'bed',
];

export type DeidLabelKind = 'name' | 'id' | 'dob' | 'phone' | 'address' | 'email';
export const DEID_LABEL_GROUPS: ReadonlyArray<readonly [DeidLabelKind, readonly string[]]> = [
  ['name', NAME_LABELS],
  ['id', ID_LABELS],
  ['dob', DOB_LABELS],
  ['phone', PHONE_LABELS],
  ['address', ADDRESS_LABELS],
  ['email', EMAIL_LABELS],
];

/**
 * A label at a label position (line start, after a column gap, a pipe, a comma or a slash),
 * followed by a separator (":", "-", "#", "=", or a column gap). Group names tell the kind.
 * The separator is required so that "Nombre total de spermatozoïdes" (French "number") is not
 * taken for the Spanish label "Nombre".
 */
export const DEID_LABEL = new RegExp(
  String.raw`(?:^|(?<=[\t|,;/]|  ))[ \t]{0,4}(?:` +
    DEID_LABEL_GROUPS.map(([kind, words]) => `(?<${kind}>${alternation(words)})`).join('|') +
    `|(?<kept>${alternation(KEPT_LABELS)}))` +
    // A second label glued with a slash ("DOB/Age", "Age/Sex") shares the separator.
    String.raw`(?:[ \t]?\/[ \t]?[\p{L}.]{1,12})?` +
    String.raw`(?:[ \t]{0,12}(?:[:：#=]|-(?=\s)|n[°º]\.?)[ \t]{0,4}|\t[ \t]{0,8}| {2,8}|[ \t](?=[\d#]))`,
  'giu',
);
/**
 * Any label (identifier or kept) followed by a colon, preceded by whitespace: where the value of
 * the previous label ends on single-spaced header lines ("Name: Jane Doe Age: 34").
 */
export const DEID_NEXT_LABEL = new RegExp(
  String.raw`(?<=\s)(?:` +
    alternation([...DEID_LABEL_GROUPS.flatMap(([, words]) => words), ...KEPT_LABELS]) +
    String.raw`)[ \t]{0,4}[:：]`,
  'giu',
);
/** A column gap inside a header line: where a label's value ends. */
export const HEADER_GAP = /\t| {2,}/;
/** Digits in a phone candidate (an international number needs at least eight). */
export const DIGIT = /\d/g;
/** Person titles followed by capitalised name words: "Dr. A. Mehta", "Mrs PRIYA SHARMA", "Mme Dupont". */
export const TITLE_NAME =
  /(?<![\p{L}])(?:(?:Mr\.?\s?&\s?Mrs|Dr|Dra|Drs|Prof|Mr|Mrs|Ms|Miss|Mme|Mlle|Sr|Sra|Srta|Herr|Frau|Dott)\.?|M\.)[ \t](?:\p{Lu}[\p{L}'’-]{0,30}\.?)(?:[ \t](?:\p{Lu}[\p{L}'’-]{0,30}\.?|de|da|do|dos|das|del|della|van|von|der|la|le|du|al|el|bin|ibn|y|e)){0,5}/gu;
/** Arabic titles followed by Arabic words: "د. فاطمة أحمد", "السيدة مريم علي". */
export const ARABIC_TITLE_NAME =
  /(?:د\.|الدكتور|الدكتورة|السيد|السيدة|الآنسة)\s?[\u0621-\u064a]{2,20}(?:\s[\u0621-\u064a]{2,20}){0,3}/gu;
/** Relation forms on Indian reports: "W/o Rajesh Kumar", "S/O", "D/o", "C/o". */
export const RELATION_NAME =
  /(?<![\p{L}])[WSDC]\/[Oo][ .:]{1,3}\p{L}[\p{L}'’.-]{0,30}(?:[ \t]\p{L}[\p{L}'’.-]{0,30}){0,4}/gu;
/** E-mail addresses (bounded parts keep the scan linear). */
export const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu;
/** International phone numbers: "+91 98765 43210", "+33 (0)1 23 45 67 89", "+1-617-555-0100". */
export const PHONE_INTL = /\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\(?\d{1,4}\)?(?:[ .-]?\d{2,5}){1,5}/g;
/** National phone formats: French "01 23 45 67 89", US "(617) 555-0100", "617-555-0100". */
export const PHONE_NATIONAL =
  /(?<!\d)(?:0[1-9](?:[ .-]\d{2}){4}|\(\d{3}\)[ ]?\d{3}[-.]\d{4}|\d{3}-\d{3}-\d{4})(?!\d)/g;
/** Indian 10-digit mobile numbers and landlines with STD code ("020-2612 3456"). */
export const PHONE_INDIA = /(?<!\d)(?:[6-9]\d{9}|0\d{2,4}[- ]\d{6,8}|0\d{2,4}[- ]\d{4}[ ]\d{4})(?!\d)/g;
/** Dates (numeric or with month words) — used to remove a date of birth while keeping an age. */
export const DATE =
  /(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}[ -](?:[\p{L}]{3,10}\.?)[ -]\d{2,4})(?!\d)/gu;
/** Street lines in the six languages (number + street word, or street word + name). */
export const STREET =
  /(?<![\p{L}\d])(?:\d{1,5}[a-zA-Z]?,?[ \t](?:bis[ \t]|ter[ \t])?(?:rue|avenue|av\.|bd|boulevard|place|chemin|allée|impasse|quai|route|cours|street|st\.|road|rd\.|lane|ln\.|drive|way|court|close|crescent|terrace)(?![\p{L}])|(?:calle|c\/|avda\.|avenida|plaza|pza\.|paseo|camino|carrer|rua|travessa|largo|praça|estrada|alameda|شارع|طريق)[ \t]\p{L}|[\p{L}-]{2,30}(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm)[ \t]\d{1,4}|(?:flat|house|plot|door|h\.?\s?no\.?|apt\.?|apartment|building|bldg\.?|appartement|bâtiment|piso|andar|wohnung)[ \t]?(?:no\.?|n[°º])?[ \t]?\d{1,5}|\d{1,4}[ \t][\p{L}]{2,30}(?:[ \t][\p{L}]{2,30}){0,3}[ \t](?:street|road|lane|avenue|marg|nagar|colony|sector|society|chowk|layout|cross|main))/giu;
/** Postcode with city: "75013 Paris", "28013 Madrid", "1100-148 Lisboa", "Pune - 411 001", "MA 02115". */
export const POSTCODE_CITY =
  /(?<![\d\p{L}])(?:\d{5}[ \t]\p{Lu}[\p{L}'’-]{1,30}|\d{4}-\d{3}[ \t]\p{Lu}[\p{L}'’-]{1,30}|\d{5}-\d{3}(?![\d])|\p{Lu}[\p{L}]{2,30}[ \t]?[-–,]?[ \t]?\d{3}[ ]?\d{3}|[A-Z]{2}[ \t]\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}|\d{5}[ \t](?:[\u0621-\u064a]{2,20}))(?![\d\p{L}])/gu;
/** Post office boxes. */
export const PO_BOX =
  /(?<![\p{L}])(?:p\.?\s?o\.?\s?box|post\sbox|b\.?p\.?|boîte\spostale|apartado(?:\sde\scorreos)?|apdo\.?|postfach|caixa\spostal|ص\.?\s?ب\.?)[ \t]?\d{1,7}/giu;
/** Long digit runs (barcodes, account and national ids) on lines that are not results. */
export const LONG_DIGITS = /(?<![\d.,])\d{8,20}(?![\d.,])|(?<!\d)\d{4}[ -]\d{4}[ -]\d{4}(?!\d)/g;
/** Alphanumeric codes that mix letters and 5+ digits ("LAB2024-001234", "MR0012345"). */
export const ALNUM_CODE = /(?<![\p{L}\d])[A-Z]{1,6}[-/]?\d[\d/-]{4,24}\d(?![\p{L}\d])/gu;
