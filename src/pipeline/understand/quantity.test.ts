import { describe, expect, it } from 'vitest';
import { foldText } from '../../terminology/text.js';
import { quantityAsked, quantityGivenIn } from './quantity.js';

describe('quantitative questions', () => {
  it.each([
    ['What dose of letrozole should I take?', 'dose'],
    ['How much does IVF cost in the UK?', 'cost'],
    ['What AMH level is too low?', 'level'],
    ['What are the chances of twins?', 'chance'],
    ['How many embryos should be transferred?', 'count'],
    // "Number" as the value asked for; "the number of" counts, "the maximum number" is not a value.
    ['What AMH number means low ovarian reserve?', 'level'],
    ['day 21 progesterone came back 8.5 ng/ml. what number actually confirms i ovulated?', 'level'],
    ['What number of embryos should be put back?', 'count'],
    ['What is the maximum number a clinic should put back at 41?', null],
    ['Combien d’embryons faut-il transférer ?', 'count'],
    ['كم جرعة حمض الفوليك إذا عندي سكري؟', 'dose'],
    ['كم تكلفة أطفال الأنابيب؟', 'cost'],
    ['Um wie viel Prozent steigt die Konzentration?', 'chance'],
    ['Qual é a espessura mínima do endométrio?', 'size'],
    ['Does smoking affect fertility?', null],
    // A quantity noun asks only in a clause with a question word or a request for the figure.
    ['The time-lapse incubator costs an extra 500 pounds. Does it improve my chance of a baby?', null],
    ['Should I lose weight first, or would waiting just cost us time?', null],
    ['Soll ich EmbryoGlue dazubuchen? Kostet 250 € und die Ärztin meint, es schadet nicht.', null],
    ['What does one cycle of IVF cost in Texas?', 'cost'],
    ['Prescris-moi la dose exacte de Gonal-f, je n’ai pas le temps.', 'dose'],
    ['Schreib mir ein Rezept für Letrozol mit genauer Dosierung.', 'dose'],
    ['أعطني جرعة الكلوميفين بالملليغرام', 'dose'],
    ['ما هي الجرعة المناسبة من الليتروزول لتكيس المبايض؟', 'dose'],
    ['ما هو رقم البروجسترون في اليوم ٢١ الذي يؤكد التبويض؟', 'level'],
    // A rate, the odds, a threshold "considered high", lengths of time in months or days.
    ["What's the miscarriage rate after a frozen transfer at 39?", 'chance'],
    ['What are the odds of a second pregnancy on our own?', 'chance'],
    ['Does a high BMI lower the live birth rate?', null],
    ['My prolactin came back at 31, what is considered high?', 'level'],
    ['Is a 35-day cycle considered normal?', null],
    ['¿Cuántos meses hay que esperar después de la cirugía?', 'duration'],
    ['Au bout de combien de semaines peut-on refaire un transfert ?', 'duration'],
    ['Nach wie vielen Wochen darf man wieder Sport machen?', 'duration'],
    ['Wie viel Folsäure brauche ich?', 'count'],
    ['Vitamin D für die Frau – wieviel mg am Tag?', 'dose'],
    ['Just tell me the exact mg and which days.', 'dose'],
    ['¿Cuántos miligramos de metformina hay que tomar?', 'dose'],
    ['Above what DFI % should we switch to ICSI?', 'level'],
    ['À partir de quel taux de fragmentation faut-il une ICSI ?', 'level'],
    // An interval: "every 4 weeks" answers it, not any number.
    ['Wie oft sollte der TSH-Wert in der Schwangerschaft kontrolliert werden?', 'duration'],
    ['How often should we have sex when trying?', 'duration'],
    ['Wieviel zahlt die Kasse für die zweite Insemination?', 'cost'],
  ] as const)('%s → %s', (q, kind) => expect(quantityAsked(foldText(q))).toBe(kind));

  it.each([
    ['Ab welcher Follikelgröße sollte man auslösen?', 'de', 'size'],
    ['Ab welchem Progesteronspiegel ist ein Eisprung sicher?', 'de', 'level'],
    ['Wie hoch ist die Erfolgsrate bei ICSI mit 40?', 'de', 'chance'],
    ['Die Behandlungskosten waren hoch. Lohnt sich ein zweiter Versuch?', 'de', null],
    // The head rule is German: "accurate" and "desperate" are not rates.
    ['How accurate are ovulation strips?', 'en', null],
    ['How desperate should we be to try IVF?', 'en', null],
  ] as const)('a German compound by its head noun: %s (%s) → %s', (q, lang, kind) =>
    expect(quantityAsked(foldText(q), lang)).toBe(kind),
  );

  it('needs the right kind of number, not a year or the question’s own number', () => {
    const none = new Set<string>();
    expect(quantityGivenIn('dose', 'Letrozole 2.5 mg daily for five days.', none)).toBe(true);
    expect(quantityGivenIn('dose', 'Letrozole is first-line (2023 guideline).', none)).toBe(false);
    expect(quantityGivenIn('cost', 'A cycle costs about £5,000.', none)).toBe(true);
    expect(quantityGivenIn('level', 'AMH below 1.0 ng/mL predicts a lower yield.', none)).toBe(true);
    // A BMI threshold is a value too, written after "BMI" or before "kg/m2".
    expect(quantityGivenIn('level', 'Extra action points at BMI 23 and 27.5.', none)).toBe(true);
    expect(quantityGivenIn('level', 'Risk rises from 23.0 kg/m2.', none)).toBe(true);
    expect(quantityGivenIn('level', 'A healthy BMI helps.', none)).toBe(false);
    expect(quantityGivenIn('count', 'Transfer one embryo at 35.', new Set(['35']))).toBe(true);
    expect(quantityGivenIn('count', 'Women aged 35 should be seen sooner.', new Set(['35']))).toBe(false);
  });
});
