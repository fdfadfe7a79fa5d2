/**
 * @module pipeline/ingest/hl7
 * HL7 v2 ORU^R01 result messages. The field separator and encoding characters are taken from
 * MSH-1 and MSH-2 (not assumed to be |^~\&), escape sequences are decoded, and every OBX with a
 * numeric value becomes a candidate: OBX-3 identifier (LOINC when the coding system is LN, in
 * the first or the alternate triplet), OBX-5 value (NM, SN with comparator, ST holding a
 * number), OBX-6 units, OBX-7 reference range, OBX-8 abnormal flags, OBX-17 method. Segments
 * about people (PID, PD1, NK1, PV1, PV2, GT1, IN1–IN3, ROL) are dropped unread and counted;
 * NTE comments are not read (they carry free text that may name people).
 */
import { issue, type Issue } from '../../domain/issues.js';
import { countInto, type DeidCounts } from '../normalize/deidentify.js';
import {
  HL7_BAD_DELIMITER,
  HL7_SEGMENT_ID,
  LINE_BREAK,
  MLLP_FRAME,
  hl7EscapePattern,
} from '../normalize/patterns.js';
import { failedRead, type FieldsCandidate, type ReadResult } from './types.js';

const PERSON_SEGMENTS = new Set([
  'PID',
  'PD1',
  'NK1',
  'PV1',
  'PV2',
  'GT1',
  'IN1',
  'IN2',
  'IN3',
  'ROL',
  'MRG',
]);
/** OBX-11 result statuses whose values must not be used: deleted, wrong, cannot be obtained. */
const UNUSABLE_STATUS = new Set(['D', 'W', 'X']);
/** OBX-2 value types that hold a number we can read. */
const NUMERIC_TYPES = new Set(['NM', 'SN', 'ST', '']);

interface Encoding {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  unescape: RegExp;
}

function readEncoding(msh: string): Encoding | string {
  if (msh.length < 8) return 'the MSH segment is too short to hold its encoding characters';
  const field = msh[3]!;
  if (HL7_BAD_DELIMITER.test(field))
    return `MSH-1 field separator "${field}" must be a punctuation character`;
  const end = msh.indexOf(field, 4);
  const enc = end === -1 ? msh.slice(4) : msh.slice(4, end);
  if (enc.length < 4)
    return `MSH-2 encoding characters "${enc}" must be four characters (component, repetition, escape, subcomponent)`;
  const chars = [...enc.slice(0, 4)];
  if (new Set([...chars, field]).size !== 5 || chars.some((c) => HL7_BAD_DELIMITER.test(c))) {
    return `MSH-2 encoding characters "${enc}" must be four distinct punctuation characters different from the field separator`;
  }
  const [component, repetition, escape, subcomponent] = chars as [string, string, string, string];
  return { field, component, repetition, escape, subcomponent, unescape: hl7EscapePattern(escape) };
}

function unescapeText(s: string, enc: Encoding): string {
  if (!s.includes(enc.escape)) return s;
  return s.replace(enc.unescape, (_m, code: string) => {
    switch (code) {
      case 'F':
        return enc.field;
      case 'S':
        return enc.component;
      case 'T':
        return enc.subcomponent;
      case 'R':
        return enc.repetition;
      case 'E':
        return enc.escape;
      case '.br':
        return ' ';
      default: {
        // \Xhh..\: hexadecimal bytes, read as UTF-8.
        const hex = code.slice(1);
        return Buffer.from(hex.length % 2 === 0 ? hex : hex.slice(0, -1), 'hex').toString('utf8');
      }
    }
  });
}

/** Read an HL7 v2 ORU message. */
export function readHl7(text: string): ReadResult {
  const segments = text.replace(MLLP_FRAME, '').split(LINE_BREAK);
  const mshIdx = segments.findIndex((s) => s.startsWith('MSH'));
  if (mshIdx === -1)
    return failedRead('hl7v2', issue('hl7-invalid', 'no MSH segment: not an HL7 v2 message'));
  const encOrErr = readEncoding(segments[mshIdx]!);
  if (typeof encOrErr === 'string')
    return failedRead('hl7v2', issue('hl7-invalid', encOrErr, { path: 'MSH' }));
  const enc = encOrErr;
  const msh = segments[mshIdx]!.split(enc.field);
  // MSH-n is msh[n-1]: the separator itself is MSH-1.
  const messageType = msh[8] ?? '';
  const typeParts = messageType.split(enc.component);
  if (messageType !== '' && typeParts[0] !== 'ORU') {
    return failedRead(
      'hl7v2',
      issue(
        'hl7-invalid',
        `message type "${messageType.replace(enc.component, '^')}" is not a result message (ORU^R01)`,
        {
          path: 'MSH-9',
        },
      ),
    );
  }
  const issues: Issue[] = [];
  const deid: DeidCounts = {};
  const candidates: FieldsCandidate[] = [];
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.trim() === '') continue;
    count++;
    const segNo = i + 1;
    const id = seg.slice(0, 3);
    if (!HL7_SEGMENT_ID.test(id) || (seg.length > 3 && seg[3] !== enc.field)) {
      issues.push(
        issue(
          'hl7-invalid',
          `segment ${segNo} does not start with a segment id and "${enc.field}"; skipped`,
          {
            severity: 'warning',
            path: `segment[${segNo}]`,
          },
        ),
      );
      continue;
    }
    if (PERSON_SEGMENTS.has(id)) {
      countInto(deid, 'segment');
      continue;
    }
    if (id !== 'OBX') continue;
    const c = readObx(seg.split(enc.field), segNo, enc, issues);
    if (c !== null) candidates.push(c);
  }
  return { format: 'hl7v2', candidates, issues, deid, lines: count };
}

function readObx(f: string[], segNo: number, enc: Encoding, issues: Issue[]): FieldsCandidate | null {
  const path = `segment[${segNo}]`;
  const type = (f[2] ?? '').trim();
  const status = (f[11] ?? '').trim();
  if (UNUSABLE_STATUS.has(status)) return null;
  if (!NUMERIC_TYPES.has(type)) return null;
  const comp = (s: string | undefined): string[] =>
    (s ?? '').split(enc.component).map((x) => unescapeText(x, enc).trim());
  const ident = comp(f[3]);
  let loinc: string | undefined;
  if (ident[2] === 'LN' && ident[0]) loinc = ident[0];
  else if (ident[5] === 'LN' && ident[3]) loinc = ident[3];
  const name = ident[1] || ident[4] || ident[0] || '';
  if (name === '') {
    issues.push(
      issue('hl7-invalid', `OBX-3 of segment ${segNo} names no observation; skipped`, {
        severity: 'warning',
        path,
      }),
    );
    return null;
  }
  const rawValue = (f[5] ?? '').split(enc.repetition)[0] ?? '';
  let value: string;
  if (type === 'SN') {
    // SN: comparator ^ number ^ separator/suffix ^ number ("<^0.1", "^1^:^128" for a ratio).
    const sn = comp(rawValue);
    if ((sn[2] ?? '') !== '' || (sn[3] ?? '') !== '') {
      issues.push(
        issue(
          'value-unparseable',
          `OBX-5 of segment ${segNo} is a ratio or range ("${sn.join(' ')}"), not one value`,
          {
            path: `${path}.OBX-5`,
          },
        ),
      );
      return null;
    }
    value = `${sn[0] ?? ''}${sn[1] ?? ''}`;
  } else {
    value = unescapeText(rawValue, enc).trim();
  }
  if (value === '') return null;
  const units = comp(f[6]);
  // OBX-6 is CE/CWE: identifier (a UCUM code when the system is UCUM) ^ text ^ system.
  const unit = units[0] || units[1] || '';
  const range = unescapeText(f[7] ?? '', enc).trim();
  const flag = ((f[8] ?? '').split(enc.repetition)[0] ?? '').trim();
  const method = comp(f[17]);
  const c: FieldsCandidate = {
    kind: 'fields',
    line: segNo,
    name,
    value,
    unit,
    text: [name, value, unit, range].filter((s) => s !== '').join(' '),
  };
  if (loinc !== undefined) c.loinc = loinc;
  if (range !== '') c.range = range;
  if (flag !== '') c.flag = flag;
  const m = method[1] || method[0];
  if (m) c.method = m;
  return c;
}
