/**
 * @module pipeline/synthesize/verify
 * The citation verifier: checks every sentence a language model wrote against the evidence it
 * cites, and removes what is not supported. A sentence is kept only when
 *  1. it cites at least one piece of evidence, and every cited number [n] exists (no invented citations);
 *  2. every number it states appears in its cited evidence (no invented figures);
 *  3. every terminology term it names (drug, diagnosis, test, analyte…) appears in its cited
 *     evidence's concepts or text (no borrowed topics);
 *  4. its polarity (recommends / advises against, helps / no benefit) matches a sentence of the
 *     cited evidence about the same terms (no reversed direction of effect).
 *
 * What it does NOT catch: a claim that reuses the evidence's own numbers and terms in a new,
 * wrong relation ("letrozole 2.5 mg for 12 months" when the evidence says 12 months of trying);
 * subtle hedging changes ("may" → "will"). That is why the extractive path stays the default.
 */
import type { Evidence } from '../../domain/evidence.js';
import type { Vocabulary } from '../../terminology/vocabulary.js';
import { numbersIn, polarityOf, termsIn } from './claims.js';

export interface VerifiedSentence {
  text: string;
  citations: number[];
}

export interface RemovedSentence {
  text: string;
  reason:
    'no-citation' | 'invented-citation' | 'unsupported-number' | 'unsupported-term' | 'reversed-direction';
  detail: string;
}

export interface Verification {
  kept: VerifiedSentence[];
  removed: RemovedSentence[];
}

const MARKER = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
// Sentence ends after . ! ? (optionally followed by citation markers), before whitespace.
const SENTENCE_END = /(?<=[.!?])\s+(?=[^\s[])/;

/** Split model output into sentences, attaching trailing markers to the sentence they follow. */
export function splitSentences(text: string): string[] {
  return text
    .replace(/\r/g, '')
    .split(/\n+/)
    .flatMap((para) => para.split(SENTENCE_END))
    .map((s) => s.replace(/^[-*•\d.)\s]+(?=\D)/, '').trim())
    .filter((s) => s.length > 0);
}

function markersOf(sentence: string): number[] {
  const out: number[] = [];
  for (const m of sentence.matchAll(MARKER)) for (const n of m[1]!.split(/[,;]/)) out.push(Number(n.trim()));
  return [...new Set(out)];
}

const stripMarkers = (s: string): string =>
  s
    .replace(MARKER, '')
    .replace(/\s+([.,;:!?])/g, '$1')
    .trim();

function evidenceText(e: Evidence): string {
  return [e.title, e.text, e.clinicianText, e.parentText ?? ''].join(' \n ');
}

export function verifySentences(
  output: string,
  evidence: readonly Evidence[],
  vocabulary: Vocabulary,
): Verification {
  const byN = new Map(evidence.map((e, i) => [i + 1, e] as const));
  const kept: VerifiedSentence[] = [];
  const removed: RemovedSentence[] = [];
  for (const raw of splitSentences(output)) {
    const cites = markersOf(raw);
    const claim = stripMarkers(raw);
    if (claim.replace(/[\W_]+/g, '').length === 0) continue;
    if (cites.length === 0) {
      removed.push({ text: raw, reason: 'no-citation', detail: 'the sentence cites no evidence' });
      continue;
    }
    const invented = cites.filter((n) => !byN.has(n));
    if (invented.length > 0) {
      removed.push({
        text: raw,
        reason: 'invented-citation',
        detail: `cites [${invented.join(', ')}], which is not in the evidence`,
      });
      continue;
    }
    const cited = cites.map((n) => byN.get(n)!);
    const support = cited.map(evidenceText).join(' \n ');

    const supportNumbers = new Set(numbersIn(support));
    const badNumbers = numbersIn(claim).filter((n) => !supportNumbers.has(n));
    if (badNumbers.length > 0) {
      removed.push({
        text: raw,
        reason: 'unsupported-number',
        detail: `${badNumbers.join(', ')} not in the cited evidence`,
      });
      continue;
    }

    const supportTerms = new Set([
      ...cited.flatMap((e) => e.concepts.flatMap((c) => vocabulary.ancestors(c))),
      ...termsIn(support, vocabulary),
    ]);
    const claimTerms = termsIn(claim, vocabulary);
    const badTerms = claimTerms.filter((t) => !supportTerms.has(t));
    if (badTerms.length > 0) {
      removed.push({
        text: raw,
        reason: 'unsupported-term',
        detail: `${badTerms.join(', ')} not in the cited evidence`,
      });
      continue;
    }

    const polarity = polarityOf(claim);
    const evidenceSentences = cited.flatMap((e) => splitSentences(evidenceText(e)));
    const relevant = evidenceSentences.filter((s) => {
      const t = termsIn(s, vocabulary);
      return claimTerms.length === 0 || claimTerms.some((c) => t.includes(c));
    });
    const pool = relevant.length > 0 ? relevant : evidenceSentences;
    if (!pool.some((s) => polarityOf(s) === polarity)) {
      removed.push({
        text: raw,
        reason: 'reversed-direction',
        detail: `the sentence is ${polarity} but the cited evidence on this point is not`,
      });
      continue;
    }
    kept.push({ text: claim, citations: cites });
  }
  return { kept, removed };
}
