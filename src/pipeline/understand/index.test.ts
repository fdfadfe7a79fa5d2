import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getGlossary } from '../../terminology/glossary.js';
import { getVocabulary } from '../../terminology/index.js';
import { getNegation } from '../../terminology/negation.js';
import { understandQuestion } from './index.js';
import { SpellingCorrector } from './spelling.js';

// A corrector over a few English words, standing in for the bank's prose (the real one is built
// from the bank by the retrieval index; what matters here is what understand does with its answers).
const english = new SpellingCorrector(
  new Map(
    ['fallopian', 'verified', 'aspirin', 'torque', 'serial', 'rather', 'deficiency', 'responder'].map(
      (w) => [w, 3] as const,
    ),
  ),
);
const deps = {
  vocabulary: getVocabulary(),
  negation: getNegation(),
  glossary: getGlossary(),
  correct: (w: string) => english.correct(w),
};
const understand = (q: string) => understandQuestion(q, deps);

describe('understandQuestion: language', () => {
  it('takes a short question without function words for the language its glossary words belong to', () => {
    // Before the glossary counted, no word of these decided and they were read as English.
    expect(understand('Metformina causa aborto?').language).toMatch(/^(es|pt)$/);
    expect(understand('Gravidez ectópica após FIV?').language).toBe('pt');
  });

  it('does not count glossary words that are English words too ("normal", "test")', () => {
    expect(understand('AMH test normal?').language).toBe('en');
    // "was" is English and German; "WHO" looks English ("wh…"): "ist", "eine", "laut" decide.
    const who = understand('Was ist eine normale Spermienkonzentration laut WHO?');
    expect(who.language).toBe('de');
    expect(who.concepts).toContain('semen-analysis');
    expect(understand('What was the WHO limit for sperm count?').language).toBe('en');
    expect(understand('Is a TSH of 3 normal?').language).toBe('en');
  });
});

describe('understandQuestion: known share of a foreign question', () => {
  it('counts the content words the terminology or the glossary knows, and is 0 in English', () => {
    const fertility = understand(
      'Wie lange dauert es nach Entfernen der Kupferspirale, bis man schwanger wird?',
    );
    const app = understand(
      'Meine Zyklus-App stürzt seit dem Android-Update ab, wie installiere ich sie neu?',
    );
    expect(fertility.language).toBe('de');
    expect(fertility.knownShare).toBeGreaterThan(app.knownShare);
    expect(fertility.knownShare).toBeGreaterThan(0.3);
    expect(understand('How long until I can get pregnant after removing a copper IUD?').knownShare).toBe(0);
  });
});

describe('understandQuestion: English gloss of a foreign question', () => {
  it('gives the English a foreign question is searched with, and nothing for an English one', () => {
    const fr = understand('Le tabac diminue-t-il la fertilité masculine ?');
    expect(fr.englishGloss).toContain('smoking');
    expect(fr.searchText).toContain('smoking');
    expect(understand('Does smoking lower male fertility?').englishGloss).toEqual([]);
  });
});

describe('understandQuestion: known words of a foreign question', () => {
  it('lists the words the glossary, the function words or a recognised phrase know, not an invented name', () => {
    const es = understand('¿Para qué sirve Ovumax-Forte y cuántas cajas tengo que tomar?');
    expect(es.language).toBe('es');
    expect(es.knownForeignWords.has('para')).toBe(true); // a function word
    expect(es.knownForeignWords.has('tomar')).toBe(true); // the glossary translates it
    expect(es.knownForeignWords.has('ovumax')).toBe(false);
    const fr = understand('Le tabac diminue-t-il la fertilité masculine ?');
    expect(fr.knownForeignWords.has('tabac')).toBe(true); // inside a recognised phrase
    expect(understand('Does smoking lower male fertility?').knownForeignWords.size).toBe(0);
  });
});

describe('understandQuestion: comparisons', () => {
  it('sets against each other the options on either side of an "or", in its own sentence', () => {
    expect(understand('Another IUI with stimulation, or IVF now?').comparison?.sides).toEqual([
      ['iui', 'ovarian-stimulation'],
      ['ivf'],
    ]);
    // The semen analysis of the first sentence is not an option of the second one's "or".
    expect(
      understand(
        'The urologist found a varicocele and his count is a bit low. Should he have surgery or go to IVF?',
      ).comparison,
    ).toBeNull();
  });
});

describe('understandQuestion: terms', () => {
  it('reads a foreign synonym that is an ordinary English word as English in an English question', () => {
    // German "Abort" is a miscarriage, the French "AMP" assisted reproduction, Spanish "SOP" PCOS.
    expect(understand('How do I abort a git rebase that went wrong?').concepts).toEqual([]);
    expect(understand('My cat keeps scratching the sofa, how do I stop it?').concepts).toEqual([]);
    expect(understand('What is the SOP for an amp repair?').concepts).toEqual([]);
    // In their own language they still count, and an English synonym is untouched.
    expect(understand('Wie hoch ist das Risiko für einen Abort nach IVF?').concepts).toContain('miscarriage');
    expect(understand('Is endometrial scratching worth it?').concepts).toContain('endometrial-scratching');
    expect(understand('Does one cigarette a day matter?').concepts).toContain('smoking');
    // The most common question of all, asked the everyday way (was no concept before 2026-11-26).
    for (const q of [
      'How long should we try before seeing a fertility specialist?',
      'How long should we try to conceive before seeing a doctor?',
      'When should we get help if nothing happens?',
    ])
      expect(understand(q).concepts, q).toContain('fertility-assessment');
  });

  it('reads a German adjective with another ending than the terminology lists', () => {
    // Listed: "wiederholte Fehlgeburten", "verminderte ovarielle Reserve", "unregelmäßiger Zyklus".
    expect(
      understand('Ab wie vielen Fehlgeburten spricht man von wiederholten Fehlgeburten?').concepts,
    ).toContain('recurrent-pregnancy-loss');
    expect(understand('Ich habe laut Ärztin eine verminderten ovariellen Reserve.').concepts).toContain(
      'diminished-ovarian-reserve',
    );
    expect(understand('Was tun bei unregelmäßigem Zyklus?').concepts).toContain('anovulation');
  });

  it('reads an English name in another inflection or order than the terminology lists', () => {
    // Listed: "fertility preservation", "frozen embryo transfer" / "frozen transfer", "pregnancy loss".
    expect(understand("Does ESHRE's guideline on preserving fertility cover trans men?").concepts).toContain(
      'fertility-preservation',
    );
    expect(understand('Do the frozen transfers count as separate cycles?').concepts).toContain(
      'frozen-embryo-transfer',
    );
    expect(understand("We've had repeated pregnancy losses.").concepts).toContain('miscarriage');
    // Single words are not stemmed: "injecting PRP" is not gonadotropin injections, nor a
    // "temp of 38.9" temping; and two words with others between do not count.
    expect(understand('Is injecting PRP into the ovaries worth it?').concepts).not.toContain('gonadotropins');
    expect(understand('my temp is 38.9 with chills').concepts).not.toContain('fertility-awareness');
    expect(understand('should I get my thyroid tested?').concepts).not.toContain('fertility-assessment');
  });

  it('does not read a question opened by a negative auxiliary as denying what it asks about', () => {
    const u = understand("Wouldn't transferring two embryos give us twice the chance?");
    expect(u.concepts).toContain('embryo-transfer');
    expect(u.negatedConcepts).not.toContain('embryo-transfer');
  });
});

describe('understandQuestion: spelling and translation', () => {
  it('corrects a misspelt English word in place', () => {
    const u = understand('Are my fallopain tubes blocked?');
    expect(u.language).toBe('en');
    expect(u.corrections).toContainEqual(['fallopain', 'fallopian']);
    expect(u.tokens).toContain('fallopian');
    expect(u.searchText.split(' ')).not.toContain('fallopain');
  });

  it('leaves an ordinary English word alone ("father" is not "rather", "efficiency" not "deficiency")', () => {
    const u = understand('Does the father age or the efficiency of the lab matter more?');
    expect(u.language).toBe('en');
    expect(u.corrections).toEqual([]);
    expect(u.tokens).toContain('father');
    expect(u.tokens).toContain('efficiency');
  });

  it('still takes an inflection of a known word ("responders" → "responder")', () => {
    const u = understand('What helps poor responders?');
    expect(u.corrections).toEqual([['responders', 'responder']]);
    expect(u.concepts).toContain('poor-ovarian-response');
  });

  it('leaves a word the glossary translates alone in a French question ("vérifier" is not "verified")', () => {
    const u = understand("Faut-il vérifier l'immunité avant de concevoir ?");
    expect(u.language).toBe('fr');
    expect(u.corrections).toEqual([]);
    const words = u.searchText.split(' ');
    expect(words).toContain('verifier');
    expect(words).not.toContain('verified');
    // …and searches it with the glossary's English ("check").
    expect(words).toContain('check');
  });

  it('leaves a function word of the question’s language alone ("porque" is not "torque")', () => {
    const u = understand('¿Por qué no nos embarazamos, porque ya lo intentamos?');
    expect(u.language).toBe('es');
    expect(u.corrections).toEqual([]);
    expect(u.searchText.split(' ')).not.toContain('torque');
  });

  it('keeps the original of a corrected foreign word in the search text ("serian" beside "serial")', () => {
    const u = understand('¿Qué síntomas serían motivo para llamar a la clínica?');
    expect(u.language).toBe('es');
    expect(u.corrections).toContainEqual(['serian', 'serial']);
    const words = u.searchText.split(' ');
    expect(words).toContain('serian');
    expect(words).toContain('clinica');
  });

  it('searches a phrase the terminology recognised by its concept name, not word for word', () => {
    // "دوالي الخصية" is varicocele; "الخصية" alone is "testicle", which found the testes entries.
    const q = understand('ما هي دوالي الخصية وهل تسبب العقم دائماً؟');
    expect(q.concepts).toContain('varicocele');
    expect(q.searchText).toMatch(/\bvaricocele\b/);
    expect(q.searchText).not.toMatch(/\btesticle\b/);
    // Words outside the phrase are still translated by the glossary ("تسبب" → "cause").
    expect(q.searchText).toMatch(/\bcause\b/);
  });

  it('adds, beside a foreign word, the English word it is closest to ("aspirina" → "aspirin")', () => {
    const u = understand('¿Sirve tomar aspirina durante la estimulación?');
    expect(u.language).toBe('es');
    const words = u.searchText.split(' ');
    expect(words).toContain('aspirina');
    expect(words).toContain('aspirin');
  });
});

describe('understandQuestion: numbers', () => {
  it('reads Eastern Arabic digits as the ASCII number they write ("٢٠٢١" is the 2021 edition)', () => {
    const u = understand('ما هو الحد الأدنى الطبيعي لعدد الحيوانات المنوية حسب منظمة الصحة العالمية ٢٠٢١؟');
    expect(u.language).toBe('ar');
    expect(u.text).toContain('2021');
    expect(u.tokens).toContain('2021');
    expect(u.searchText.split(' ')).toContain('2021');
  });
});

describe('understandQuestion: definition frames in the search text', () => {
  const words = (q: string) => understand(q).searchText.split(' ');

  it('leaves out the words of "counts as", "is considered"… and keeps the topic', () => {
    expect(words('What counts as infertility?')).not.toContain('counts');
    expect(words('What counts as infertility?')).toContain('infertility');
    expect(words('When is a couple considered infertile?')).not.toContain('considered');
    expect(words('¿Qué se considera infertilidad?')).not.toContain('considera');
    // nor what the spelling corrector would make of them ("considera" → "consider").
    expect(words('¿Qué se considera infertilidad?').some((w) => w.startsWith('consider'))).toBe(false);
    expect(words('Was gilt als Unfruchtbarkeit?')).not.toContain('gilt');
  });

  it('keeps the same words where they are the topic', () => {
    expect(words('What does a low sperm count mean?')).toContain('count');
    expect(words('Is a count of 10 million enough?')).toContain('count');
  });
});

describe('understandQuestion: numbers in the search text', () => {
  const words = (q: string) => understand(q).searchText.split(' ');

  it('leaves out the couple’s own values, in the six languages', () => {
    for (const [q, n] of [
      ["I'm 32. When should we see a specialist?", '32'],
      ['My BMI is 32. Does that affect my chances?', '32'],
      ["J'ai 36 ans. Combien de temps faut-il essayer ?", '36'],
      ['Tengo 41 años, ¿cuántos embriones?', '41'],
      ['Ich bin 32. Ab wann sollten wir gehen?', '32'],
      ['Tenho 30 anos, quando devemos procurar ajuda?', '30'],
      ['عمري ٣٠ سنة، متى يجب أن نراجع الطبيب؟', '30'],
    ] as const) {
      expect(words(q), q).not.toContain(n);
    }
  });

  it('keeps the thresholds and ages a question asks about, and the year of a guideline', () => {
    expect(words("I'm NOT over 35, I'm 31. When should we get checked?")).toEqual(
      expect.arrayContaining(['35']),
    );
    expect(words("I'm NOT over 35, I'm 31. When should we get checked?")).not.toContain('31');
    expect(words('Do pregnancy risks suddenly jump at 35?')).toContain('35');
    expect(words('What did the WHO 2021 manual change?')).toContain('2021');
    // Portuguese "e" is "and"; "é" is "is".
    expect(words('Qual a chance de engravidar entre 30 e 35 anos?')).toEqual(
      expect.arrayContaining(['30', '35']),
    );
    expect(words('O meu IMC é 32, isso atrapalha?')).not.toContain('32');
    // A copula that opens the question asks about the number.
    expect(words('Is 35 too old to start IVF?')).toContain('35');
    expect(words('¿Es 2,5 un TSH normal?')).toContain('2.5');
    expect(words('Mon AMH est 0,8 : est-ce bas ?')).not.toContain('0.8');
  });

  it('keeps a decimal number whole, as the bank’s text has it ("2.5", not "2" and "5")', () => {
    const w = words('Should TSH above 2,5 be treated before IVF?');
    expect(w).toContain('2.5');
    expect(w).not.toContain('2');
    expect(w).not.toContain('5');
  });

  it('searches only numbers the question states, for any text (property)', () => {
    const piece = fc.constantFrom(
      "I'm ",
      'is ',
      'at ',
      'AMH ',
      '2,5',
      '2.5',
      '35',
      ' ',
      '-',
      '%',
      'ans',
      'عمري ',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.string({ maxLength: 20 }), (parts, noise) => {
        const q = `${parts.join('')} ${noise} fertility?`;
        const stated = new Set((q.match(/\d+(?:[.,]\d+)?/g) ?? []).map((n) => n.replace(',', '.')));
        for (const w of understand(q).searchText.split(' ')) {
          if (/^\d+(?:\.\d+)?$/.test(w)) expect(stated.has(w), `${w} in ${JSON.stringify(q)}`).toBe(true);
        }
      }),
    );
  });
});

describe('understandQuestion: two-word names said apart', () => {
  it('takes the concept of a two-word name whose words stand apart, negated or not', () => {
    expect(understand('How do they check if my fallopian tubes are blocked?').concepts).toContain(
      'tubal-factor',
    );
    expect(understand('My antipsychotic raised my prolactin. Should I stop it?').concepts).toContain(
      'hyperprolactinaemia',
    );
    expect(understand('Ma prolactine est élevée, que faire ?').concepts).toContain('hyperprolactinaemia');
    const denied = understand('The scan said my tubes are not blocked.');
    expect(denied.concepts).not.toContain('tubal-factor');
    expect(denied.negatedConcepts).toContain('tubal-factor');
    // Terms keep the contiguous phrases only: no span is invented for the scattered words.
    expect(understand('my fallopian tubes are blocked').terms.map((t) => t.id)).not.toContain('tubal-factor');
  });

  it('leaves Arabic to the contiguous match (its light stems are short and ambiguous)', () => {
    expect(understand('هل أضيف هرمون النمو إلى التنشيط في الدورة القادمة؟').concepts).not.toContain(
      'fet-endometrial-preparation',
    );
  });
});
