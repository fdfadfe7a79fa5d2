/**
 * @module pipeline/understand/bodies
 * Questions that name who says something ("Does the WHO say to go straight to IVF?", "Que dit le
 * NICE …", "حسب منظمة الصحة العالمية") are best answered by that body's entries. Lexical search
 * cannot see it: "WHO" folds to the stop word "who", and "NICE" to an adjective. The re-ranker
 * gets it as pair features (rerank/relevance): the question names the entry's body, or names
 * another one.
 *
 * Acronyms that are also ordinary words (WHO, NICE, ATA, ETA, EAU, AUA) count only in capitals;
 * the others in any case. Full names are matched on folded text in the six languages.
 */
import { escapeRegExp, foldText } from '../../terminology/text.js';

/** Canonical body → acronyms as written (capitals required when ambiguous) and folded full names. */
const BODIES: ReadonlyArray<{
  id: string;
  capitals?: readonly string[];
  anyCase?: readonly string[];
  names?: readonly string[];
}> = [
  {
    id: 'WHO',
    capitals: ['WHO', 'OMS'],
    names: [
      'world health organization',
      'world health organisation',
      'organisation mondiale de la sante',
      'organizacion mundial de la salud',
      'organizacao mundial da saude',
      'weltgesundheitsorganisation',
      'منظمه الصحه العالميه',
    ],
  },
  { id: 'NICE', capitals: ['NICE'], names: ['national institute for health and care excellence'] },
  { id: 'ESHRE', anyCase: ['eshre'], names: ['european society of human reproduction'] },
  { id: 'ASRM', anyCase: ['asrm'], names: ['american society for reproductive medicine'] },
  { id: 'SART', anyCase: ['sart'] },
  { id: 'HFEA', anyCase: ['hfea'], names: ['human fertilisation and embryology authority'] },
  { id: 'RCOG', anyCase: ['rcog'], names: ['royal college of obstetricians'] },
  { id: 'ACOG', anyCase: ['acog'], names: ['american college of obstetricians'] },
  { id: 'CFAS', anyCase: ['cfas'], names: ['canadian fertility and andrology society'] },
  { id: 'ICMART', anyCase: ['icmart'] },
  { id: 'ATA', capitals: ['ATA'], names: ['american thyroid association'] },
  { id: 'ETA', capitals: ['ETA'], names: ['european thyroid association'] },
  { id: 'EAU', capitals: ['EAU'], names: ['european association of urology'] },
  { id: 'AUA', capitals: ['AUA'], names: ['american urological association'] },
  { id: 'ASCO', anyCase: ['asco'] },
  { id: 'FIGO', anyCase: ['figo'] },
];

const spaced = (folded: string): string => ` ${folded.replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
// Every question passes here, and few name a body: one look-up per word for the acronyms, and
// the full names searched only in text that could hold one.
const BY_CAPITALS = new Map(BODIES.flatMap((b) => (b.capitals ?? []).map((a) => [a, b.id] as const)));
const BY_ANY_CASE = new Map(BODIES.flatMap((b) => (b.anyCase ?? []).map((a) => [a, b.id] as const)));
const NAMES = BODIES.flatMap((b) => (b.names ?? []).map((n) => ({ id: b.id, folded: spaced(foldText(n)) })));
const NON_ASCII = /[\u0080-\uffff]/;
// Cheap first looks: could the text hold an acronym, or a full name? Every name above, written
// without accents, holds one of the words of MAY_HAVE_ENGLISH_NAME. Only then is the text split
// into words or folded.
const MAY_HAVE_CAPITALS = new RegExp([...BY_CAPITALS.keys()].map(escapeRegExp).join('|'));
const MAY_HAVE_ANY_CASE = new RegExp([...BY_ANY_CASE.keys()].map(escapeRegExp).join('|'), 'i');
const MAY_HAVE_ENGLISH_NAME = /organi[sz]a|institute|society|college|association|authority/i;

/** The bodies a question names (canonical ids such as "WHO", "NICE"). */
export function bodiesNamed(question: string): ReadonlySet<string> {
  const out = new Set<string>();
  if (MAY_HAVE_CAPITALS.test(question) || MAY_HAVE_ANY_CASE.test(question)) {
    for (const w of question.split(/[^\p{L}\p{N}]+/u)) {
      if (w === '') continue;
      const id = BY_CAPITALS.get(w) ?? BY_ANY_CASE.get(w.toLowerCase());
      if (id !== undefined) out.add(id);
    }
  }
  // ASCII text folds to its lower case (the marks and letter variants foldText handles are not
  // ASCII), so only other text is folded.
  const ascii = !NON_ASCII.test(question);
  if (ascii && !MAY_HAVE_ENGLISH_NAME.test(question)) return out;
  const folded = spaced(ascii ? question.toLowerCase() : foldText(question));
  for (const n of NAMES) if (!out.has(n.id) && folded.includes(n.folded)) out.add(n.id);
  return out;
}

// A bank names a few dozen bodies, read for every candidate of a question that names one.
const sourceBodies = new Map<string, ReadonlySet<string>>();
const SOURCE_BODIES_LIMIT = 4096;

/** The canonical bodies behind an entry's `source.body` ("ASRM/SART" → ASRM and SART). */
export function bodiesOfSource(body: string): ReadonlySet<string> {
  let found = sourceBodies.get(body);
  if (!found) {
    found = bodiesNamed(body.replace(/\//g, ' '));
    if (sourceBodies.size >= SOURCE_BODIES_LIMIT) sourceBodies.clear();
    sourceBodies.set(body, found);
  }
  return found;
}
