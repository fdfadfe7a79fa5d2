import { describe, expect, it } from 'vitest';
import { getGlossary } from '../../terminology/glossary.js';
import { getVocabulary } from '../../terminology/index.js';
import { getNegation } from '../../terminology/negation.js';
import { understandQuestion } from '../understand/index.js';
import { compileScopeGuard, getScopeGuard } from './scope.js';

const vocabulary = getVocabulary();
const understand = (q: string) =>
  understandQuestion(q, { vocabulary, negation: getNegation(), glossary: getGlossary() });

const empty = { en: [], fr: [], es: [], de: [], pt: [], ar: [] };
const file = (over: Record<string, unknown>) => ({
  version: 2,
  coverage: { withStrongTerm: 0.3, withWeakTerm: 0.75, alone: 0.8 },
  generalConcepts: [],
  reproductiveTerms: empty,
  exactTerms: empty,
  weakTerms: empty,
  ...over,
});

describe('scope guard word lists', () => {
  it('matches exact terms as whole words only, where loose terms match their inflected forms', () => {
    const exact = compileScopeGuard(file({ exactTerms: { ...empty, de: ['Familienplanung'] } }), () => true);
    const loose = compileScopeGuard(
      file({ reproductiveTerms: { ...empty, de: ['Familienplanung'] } }),
      () => true,
    );
    const planning = understand('Ist sein Alkoholkonsum ein Problem für unsere Familienplanung?');
    const plans = understand('Wie passen unsere Familienplanungen zusammen?');
    const family = understand('Wie viele Familien wohnen in diesem Haus?');
    expect(exact.check(planning, false, 0).counts.strongWords).toBe(1);
    expect(exact.check(plans, false, 0).counts.strongWords).toBe(0);
    expect(exact.check(family, false, 0).counts.strongWords).toBe(0);
    expect(loose.check(plans, false, 0).counts.strongWords).toBe(1);
    // A long word needs all but its last four letters: "Familien" is not "Familienplanung".
    expect(loose.check(family, false, 0).counts.strongWords).toBe(0);
  });

  it('counts a German compound made on "Kinderwunsch" as a reproductive word, and "Kinder" alone not', () => {
    const g = getScopeGuard((id) => vocabulary.has(id));
    const strong = (q: string) => g.check(understand(q), false, 0).counts.strongWords;
    expect(strong('Wie viel Alkohol ist in der Kinderwunschzeit noch okay?')).toBe(1);
    expect(strong('Wie viele Kinder sollte man haben?')).toBe(0);
  });

  it('reads Arabic exact terms through the light stemmer (article and suffixes)', () => {
    const g = compileScopeGuard(file({ exactTerms: { ...empty, ar: ['اللولب'] } }), () => true);
    expect(g.check(understand('أزلت اللولب أمس، هل نستطيع المحاولة مباشرة؟'), false, 0).inScope).toBe(true);
  });

  it('refuses a file without the exactTerms lists shaped per language, naming the field', () => {
    expect(() => compileScopeGuard(file({ exactTerms: { en: 'iud' } }), () => true)).toThrow(
      /exactTerms\.en/,
    );
    expect(() =>
      compileScopeGuard(file({ generalConcepts: ['no-such-concept'] }), (id) => id !== 'no-such-concept'),
    ).toThrow(/generalConcepts: "no-such-concept"/);
    expect(() =>
      compileScopeGuard(file({ neutralConcepts: ['no-such-concept'] }), (id) => id !== 'no-such-concept'),
    ).toThrow(/neutralConcepts: "no-such-concept"/);
    expect(() =>
      compileScopeGuard(file({ ambiguousConcepts: ['no-such-concept'] }), (id) => id !== 'no-such-concept'),
    ).toThrow(/ambiguousConcepts: "no-such-concept"/);
    expect(() =>
      compileScopeGuard(
        file({ speciesAmbiguousConcepts: ['no-such-concept'] }),
        (id) => id !== 'no-such-concept',
      ),
    ).toThrow(/speciesAmbiguousConcepts: "no-such-concept"/);
  });

  it('counts words naming another species as whole words, in every language', () => {
    const g = getScopeGuard((id) => vocabulary.has(id));
    const counts = (q: string) => g.check(understand(q), false, 0).counts;
    expect(counts('Our cat is pregnant, how many weeks until the kittens arrive?').otherSpecies).toBe(2);
    // "vaca" names an animal, "cio" (heat) is animal breeding: both count, the second decides.
    const cow = counts('Minha vaca leiteira demora pra entrar no cio depois do parto');
    expect([cow.otherSpecies, cow.animalBreeding]).toEqual([2, 1]);
    expect(counts('Unsere Stute ist nach der Besamung nicht trächtig').animalBreeding).toBe(1);
    expect(counts('كم مدة حمل القطة؟').otherSpecies).toBe(1);
    // A compound is not split: "Kindergarten" is not a garden.
    expect(counts('Darf ich im Kindergarten arbeiten, wenn ich schwanger bin?').otherSpecies).toBe(0);
    expect(counts('Is fish oil worth taking while we try to conceive?').otherSpecies).toBe(0);
    // "Infertile" soil names the infertility concept, said of soil as readily as of people: it does not
    // cancel the species words; IVF does.
    const soil = counts(
      'The soil in my veggie patch is sandy and basically infertile. What fertiliser is best?',
    );
    expect([soil.otherSpecies, soil.specificTerms, soil.careTermsBesideSpecies]).toEqual([2, 1, 0]);
    expect(counts('Is it safe to clean the cat litter box during IVF?').careTermsBesideSpecies).toBe(1);
    // Plants: "Befruchtung der Blüten" is a fruit tree's pollination.
    expect(
      counts('Meine Apfelbäume tragen kaum Früchte. Wie verbessere ich die Befruchtung der Blüten?')
        .otherSpecies,
    ).toBe(2);
  });

  it('refuses by rule words of animal breeding beside an animal, or without a term of a couple’s care', () => {
    const g = getScopeGuard((id) => vocabulary.has(id));
    const check = (q: string) => g.check(understand(q), false, 0.5);
    expect(check('Ma chienne est en chaleur, quand la faire saillir ?').aboutAnimal).toBe(true);
    expect(check('Ma chienne est en chaleur, quand la faire saillir ?').inScope).toBe(false);
    expect(check('Our golden retriever was mated 3 weeks ago. When can the vet scan her?').inScope).toBe(
      false,
    );
    // Insemination is a concept of a couple's care too, but a cow in heat is not a couple.
    const cows = check(
      '¿Cuántas horas después del celo hay que hacer la inseminación artificial a las vacas?',
    );
    expect([cows.aboutAnimal, cows.inScope]).toEqual([true, false]);
    // An animal named beside a couple's care, without a word of breeding: the rule says nothing.
    expect(check('Is it safe to clean the cat litter box during IVF?').inScope).toBe(true);
    expect(check('Is it safe to clean the cat litter box during IVF?').aboutAnimal).toBe(false);
    // A breeding word that is also said of people ("mating") with a concept and no animal: not decided.
    expect(check('Does the timing of mating around ovulation matter for IUI?').aboutAnimal).toBe(false);
  });

  it('refuses by rule an animal the reproductive words are said of: possessive, after a preposition, or subject', () => {
    const g = getScopeGuard((id) => vocabulary.has(id));
    const aboutAnimal = (q: string) => g.check(understand(q), false, 0.5).aboutAnimal;
    expect(aboutAnimal('What is the normal sperm count of a bull?')).toBe(true);
    expect(aboutAnimal("Is my cat's pregnancy normal?")).toBe(true);
    expect(aboutAnimal('Is IVF in cattle worth the cost?')).toBe(true);
    expect(aboutAnimal('my dog is pregnant, when will she give birth?')).toBe(true);
    expect(aboutAnimal('Ma chienne est enceinte, combien de temps dure la gestation ?')).toBe(true);
    expect(aboutAnimal('¿Cuánto dura el embarazo de una perra?')).toBe(true);
    expect(aboutAnimal('Meine Hündin ist schwanger, wann kommen die Welpen?')).toBe(true);
    // An animal beside the couple's care, or a person of the list (the vet): not about an animal.
    expect(aboutAnimal('Can I take my dog for a walk after embryo transfer?')).toBe(false);
    expect(aboutAnimal('We have two cats. Is toxoplasmosis a risk while trying to conceive?')).toBe(false);
    expect(aboutAnimal('My husband is a vet. Could the hormones he handles lower his sperm count?')).toBe(
      false,
    );
  });

  it('counts people other than the couple only when no care concept or reproductive word is named', () => {
    const g = getScopeGuard((id) => vocabulary.has(id));
    const counts = (q: string) => g.check(understand(q), false, 0).counts;
    expect(counts('Mi padre de 70 años olvida las cosas, ¿cuándo consultar?').otherPerson).toBe(1);
    expect(
      counts('My toddler has an earache since this morning, can I give him ibuprofen?').otherPerson,
    ).toBe(1);
    // Metformin has other senses (a father's diabetes): still counted.
    expect(
      counts('Mon père diabétique prend de la metformine, peut-il la prendre le soir ?').otherPerson,
    ).toBe(1);
    // A concept of the couple's care: the family member is family history, not counted.
    expect(counts('My grandmother had early menopause, does that affect my AMH?').otherPerson).toBe(0);
    // A relative's advice about the couple's own conception names a reproductive word: not counted.
    expect(
      counts("Ma grand-mère dit qu'il faut manger des dattes pour tomber enceinte, c'est vrai ?").otherPerson,
    ).toBe(0);
    expect(counts('Does smoking lower sperm count?').otherPerson).toBe(0);
  });

  it('counts organs and aims of general medicine on the same condition', () => {
    const g = getScopeGuard((id) => vocabulary.has(id));
    const counts = (q: string) => g.check(understand(q), false, 0).counts;
    expect(counts('How much alcohol a week before my liver is damaged?').otherHealth).toBe(1);
    expect(counts('Ab wie viel Alkohol pro Tag nimmt die Leber Schaden?').otherHealth).toBe(1);
    // A test the bank covers for fertility only is no care concept alone: the father's TSH counts.
    expect(counts("My dad's TSH is 7.8, is his blood pressure a worry?").otherHealth).toBe(1);
    expect(counts("My dad's TSH is 7.8, is his blood pressure a worry?").otherPerson).toBe(1);
    // A reproductive word beside the organ: the couple's question, not counted.
    expect(counts('Does smoking damage the lungs and the sperm?').otherHealth).toBe(0);
    // A care concept beside it: not counted.
    expect(counts('Does PCOS raise cholesterol?').otherHealth).toBe(0);
  });

  it('calls a question decisive when it names an unambiguous reproductive concept and no animal', () => {
    const g = getScopeGuard((id) => vocabulary.has(id));
    const decisive = (q: string) => g.check(understand(q), false, 0).decisive;
    expect(decisive('so what is an AMH test actually useful for then?')).toBe(true);
    expect(decisive('Ativação oocitária artificial: em que casos é indicada?')).toBe(true);
    // A concept named with words between its own ("trompes … perméables": tubal patency).
    expect(decisive('Quel examen fait-on en premier pour voir si mes trompes sont perméables ?')).toBe(true);
    // Only concepts whose words have other senses: left to the classifier.
    expect(decisive('How do I create a trigger in PostgreSQL?')).toBe(false);
    // Arabic light stemming reads "الجنينية" (embryonic) and "جنينين" (two embryos) as "جنين": the
    // bare word is no name of embryo transfer, so a start-up "in its embryonic stage" is not one.
    expect(decisive('كيف أكتب خطة عمل لمشروع ناشئ ما زال في مرحلته الجنينية؟')).toBe(false);
    expect(decisive('هل أرجع جنينين أو واحد؟')).toBe(true);
    expect(decisive('My father takes metformin for his diabetes, can he take it at night?')).toBe(false);
    // An animal named: left to the classifier too.
    expect(decisive('Is IVF in cattle worth the cost for a dairy herd?')).toBe(false);
  });

  it('counts a neutral concept neither for nor against scope: the rest of the question decides', () => {
    const neutral = compileScopeGuard(file({ neutralConcepts: ['air-travel'] }), () => true);
    const plain = compileScopeGuard(file({}), () => true);
    const flights = understand('Are flights to Lisbon cheaper on a Tuesday?');
    expect(flights.concepts).toContain('air-travel');
    // Without the list, a concept is reproductive-specific and decides alone.
    expect(plain.check(flights, false, 0).inScope).toBe(true);
    const n = neutral.check(flights, false, 0);
    expect(n.inScope).toBe(false);
    expect(n.counts).toEqual({
      specificTerms: 0,
      careTermsBesideSpecies: 0,
      strongWords: 0,
      weakWords: 0,
      generalConcepts: 0,
      otherSpecies: 0,
      animalBreeding: 0,
      otherPerson: 0,
      otherHealth: 0,
    });
    // With a reproductive concept beside it, the question is in scope as before.
    expect(neutral.check(understand('Can I fly two days after the embryo transfer?'), false, 0).inScope).toBe(
      true,
    );
  });

  it.each([
    ['en', 'How long after removing a copper IUD can I conceive?'],
    ['fr', "On m'a retiré mon stérilet hier, on peut essayer tout de suite ?"],
    ['de', 'Die Spirale wurde gestern gezogen – dürfen wir sofort üben?'],
    ['pt', 'Tirei o DIU ontem, já podemos tentar?'],
    ['de', 'Nach der Ausschabung heute Morgen blute ich immer stärker.'],
    ['fr', 'Quels symptômes après une ponction doivent faire appeler la clinique ?'],
  ])(
    'the bundled lists take a %s question about contraception or a procedure as reproductive: "%s"',
    (_l, q) => {
      const g = getScopeGuard((id) => vocabulary.has(id));
      // English questions also need the bank to know some of their words (coverage is IDF-weighted).
      const d = g.check(understand(q), false, 0.5);
      expect(d.counts.strongWords).toBeGreaterThan(0);
      expect(d.inScope).toBe(true);
    },
  );
});
