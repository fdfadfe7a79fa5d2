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
import { foldText } from '../../terminology/text.js';

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
const COMPILED = BODIES.map((b) => ({
  id: b.id,
  capitals: new Set(b.capitals ?? []),
  anyCase: new Set(b.anyCase ?? []),
  names: (b.names ?? []).map((n) => spaced(foldText(n))),
}));

/** The bodies a question names (canonical ids such as "WHO", "NICE"). */
export function bodiesNamed(question: string): ReadonlySet<string> {
  const words = question.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const folded = spaced(foldText(question));
  const out = new Set<string>();
  for (const b of COMPILED) {
    if (
      words.some((w) => b.capitals.has(w) || b.anyCase.has(w.toLowerCase())) ||
      b.names.some((n) => folded.includes(n))
    )
      out.add(b.id);
  }
  return out;
}

/** The canonical bodies behind an entry's `source.body` ("ASRM/SART" → ASRM and SART). */
export function bodiesOfSource(body: string): ReadonlySet<string> {
  return bodiesNamed(body.replace(/\//g, ' '));
}
