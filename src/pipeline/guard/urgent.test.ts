import { describe, expect, it } from 'vitest';
import { getUrgentGuard, compileUrgentGuard } from './urgent.js';

const guard = getUrgentGuard();

describe('urgent guard', () => {
  it.each([
    [
      'en',
      'I had my egg collection 3 days ago and now my belly is very bloated and I am short of breath',
      'ohss',
    ],
    ['en', 'Since the trigger shot I am vomiting and passing little urine', 'ohss'],
    ['fr', "Depuis la ponction j'ai le ventre gonflé et je suis essoufflée", 'ohss'],
    ['es', 'Después de la punción tengo la barriga hinchada y me falta el aire', 'ohss'],
    ['en', 'My pregnancy test was positive and I have sharp pain on one side and feel dizzy', 'ectopic'],
    ['fr', "J'ai un test de grossesse positif et une douleur d'un côté", 'ectopic'],
    ['es', 'Estoy embarazada y tengo sangrado y dolor abdominal', 'ectopic'],
    ['en', 'I am soaking a pad every hour with large clots', 'heavy-bleeding'],
    ['fr', 'Je saigne beaucoup avec de gros caillots', 'heavy-bleeding'],
    ['es', 'Tengo un sangrado abundante desde esta mañana', 'heavy-bleeding'],
    ['en', 'I have had a fever of 39 since yesterday, after egg retrieval on Monday', 'post-procedure'],
    ['de', 'Ich habe Fieber nach der Punktion', 'post-procedure'],
    ['pt', 'Estou com febre depois da punção', 'post-procedure'],
    // Naming OHSS is context enough; the "no" of "yes or no:" ends with its clause.
    [
      'en',
      "I know you'll say go to A&E but I just want a yes or no: I have OHSS, my belly is huge and I can hardly breathe. Can I wait?",
      'ohss',
    ],
    ['en', 'No fever but heavy bleeding since this morning, soaking a pad every hour', 'heavy-bleeding'],
    // A painful, hot or swollen leg after fertility treatment: a blood clot (the OHSS clot entry).
    [
      'en',
      'Since my IVF transfer my right calf is hot, swollen and it hurts to put weight on it',
      'blood-clot',
    ],
    [
      'fr',
      'Depuis le transfert, mon mollet droit est chaud, gonflé et j’ai mal en posant le pied.',
      'blood-clot',
    ],
    [
      'de',
      'Seit dem Embryotransfer vor 4 Tagen ist meine linke Wade geschwollen, rot und tut sehr weh.',
      'blood-clot',
    ],
    ['pt', 'Estou com dor no peito quando respiro, uma semana depois da punção da FIV.', 'blood-clot'],
    // Feeling sick with a swollen, painful tummy after egg collection (the OHSS entry's "feel sick"),
    // in the order people say it; Arabic verbs with "and" written onto them ("وتستفرغ").
    [
      'de',
      'Die Punktion war vorgestern. Heute ist mein Bauch deutlich aufgebläht, tut weh und mir ist dauernd übel.',
      'ohss',
    ],
    ['ar', 'مرتي سوت سحب بويضات امس وتستفرغ طول الوقت وما تتبول تقريباً من الصبح', 'ohss'],
    // Eggs "entnommen" (taken) rather than the noun "Eizellentnahme"; fast breathing, little water passed.
    ['de', 'Gestern wurden mir 25 Eizellen entnommen und jetzt atme ich schnell und habe kaum Urin.', 'ohss'],
    // Pregnancy with sudden sharp pain and near-fainting, in Levantine and Gulf words ("وجع حاد", "أغمي").
    ['ar', 'زوجتي حامل في الأسبوع السادس وفجأة عندها وجع حاد في بطنها وأغمي عليها', 'ectopic'],
    ['ar', 'أنا حامل بعد الترجيع، هل الوجع الشديد في جنب واحد طبيعي؟', 'ectopic'],
    // Dialect: "the test came out positive", "pain on one side", "blood came down on me, a lot".
    ['ar', 'الاختبار طلع إيجابي بعد الترجيع، ومن امبارح عندي ألم في جهة وحدة تحت البطن', 'ectopic'],
    ['ar', 'حامل في الأسبوع السابع ونزل علي دم كثير', 'ectopic'],
    // "Can't stop vomiting" is vomiting.
    ['es', 'no paro de vomitar desde el ovitrelle, tripa hinchada como un globo y casi no hago pis', 'ohss'],
    // A clinician's shorthand, with no first-person words.
    [
      'en',
      'Post-OPU day 3, 30 oocytes. Now SOB lying flat, oliguric, tense abdomen. Can she stay home till Monday?',
      'ohss',
    ],
    [
      'en',
      'bhCG+ post FET. New onset unilateral pelvic pain, shoulder tip pain, HR 115. Manage as outpatient?',
      'ectopic',
    ],
  ] as const)('%s: "%s" → %s', (lang, q, rule) => {
    const f = guard.check(q, lang);
    expect(f?.rule).toBe(rule);
    expect(f?.message.length).toBeGreaterThan(40);
  });

  it.each([
    ['en', 'What are the symptoms of OHSS?'],
    ['en', 'How is an ectopic pregnancy diagnosed?'],
    ['en', 'I had my egg retrieval yesterday and I have no pain and no bloating, is that normal?'],
    ['en', 'Does letrozole improve live birth rates in PCOS?'],
    ['fr', 'Quels sont les signes du syndrome d’hyperstimulation ovarienne ?'],
    ['es', '¿Cuántos embriones se deben transferir?'],
    // A German compound is not its first part: "Brustkrebs" (breast cancer) is not "Brustschmerzen"
    // (chest pain), "Eizellen" (eggs) not "Eizellentnahme" (egg collection).
    ['de', 'Ich habe Brustkrebs. Kann ich vor der Chemotherapie meine Eizellen einfrieren lassen?'],
    ['en', ''],
  ] as const)('%s: "%s" is not urgent', (lang, q) => {
    expect(guard.check(q, lang)).toBeNull();
  });

  it('answers in the question language', () => {
    expect(guard.check('Je saigne beaucoup avec de gros caillots', 'fr')!.message).toMatch(/urgences/);
    expect(guard.check('Tengo un sangrado abundante ahora', 'es')!.message).toMatch(/urgencias/);
  });

  it('refuses a rules file without a reason for a rule, naming it', () => {
    const bad = {
      version: 1,
      present: ['i'],
      rules: [{ id: 'x', concept: 'ohss', description: 'd', all: [['a']] }],
      messages: { en: 'a', fr: 'a', es: 'a', de: 'a', pt: 'a', ar: 'a' },
      reasons: { general: { en: 'a', fr: 'a', es: 'a', de: 'a', pt: 'a', ar: 'a' } },
    };
    expect(() => compileUrgentGuard(bad)).toThrow(/reasons\.x/);
  });
});

describe('urgent guard: ordinary treatment questions stay non-urgent', () => {
  it.each([
    ['en', 'I am doing IVF, is some bloating normal?'],
    ['en', 'How long after egg collection can I go back to work?'],
    ['fr', 'Je suis en FIV, est-ce normal de se sentir un peu ballonnée ?'],
    ['es', '¿Cuántos días después de la transferencia puedo hacer la prueba de embarazo?'],
    ['en', 'What is the usual bhCG level at 6 weeks?'],
    ['en', 'How many oocytes are usually retrieved at OPU in a woman with PCOS?'],
    // A pregnancy with a routine question, and a blood test: no warning sign.
    ['ar', 'أنا حامل بالأسبوع السابع وطلع تحليل الـ TSH عندي 3.1، بدي علاج ولا لأ؟'],
    ['ar', 'عملت تحليل دم وطلع الحمل إيجابي، متى السونار؟'],
  ] as const)('%s: "%s"', (lang, q) => {
    expect(getUrgentGuard().check(q, lang)).toBeNull();
  });
});
