/**
 * @module pipeline/ingest
 * `readReport(input)`: detect the format from the content (the file name only breaks ties and
 * sharpens error messages) and run the matching reader. Order of checks: size and emptiness,
 * an already-parsed object (FHIR), the PDF signature, binary content, JSON, HL7 v2 (MSH), a
 * delimited file with a recognisable header, and free-layout text for everything else.
 */
import { issue } from '../../domain/issues.js';
import { FILE_EXTENSION, HL7_START, PDF_MAGIC } from '../normalize/patterns.js';
import { readCsv, sniffDelimited } from './csv.js';
import { decodeText } from './decode.js';
import { readFhir, readFhirText } from './fhir.js';
import { readHl7 } from './hl7.js';
import { readPdf } from './pdf.js';
import { readText } from './text.js';
import { failedRead, type ReadResult, type ReportFormat } from './types.js';

export type { Candidate, FieldsCandidate, LineCandidate, ReadResult, ReportFormat } from './types.js';

/** Largest report accepted (a lab report is kilobytes; a text-layer PDF rarely exceeds a few MB). */
export const MAX_REPORT_BYTES = 20 * 1024 * 1024;

export interface ReadOptions {
  /** The file name, when there is one: a hint for ambiguous content and clearer errors. */
  filename?: string;
  /** Override the size limit (bytes). */
  maxBytes?: number;
}

function extensionOf(filename: string | undefined): string {
  const m = filename === undefined ? null : FILE_EXTENSION.exec(filename);
  return m ? m[1]!.toLowerCase() : '';
}

/** Read any supported report. Never throws for bad input: errors come back as issues. */
export async function readReport(
  input: string | Uint8Array | object,
  opts: ReadOptions = {},
): Promise<ReadResult> {
  const max = opts.maxBytes ?? MAX_REPORT_BYTES;
  const ext = extensionOf(opts.filename);
  if (typeof input === 'object' && !(input instanceof Uint8Array)) {
    if (input === null) return failedRead('fhir', issue('input-empty', 'the input is null'));
    return readFhir(input);
  }
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > max) {
    return failedRead(
      'text',
      issue('input-too-large', `the input is ${size} bytes; the limit is ${max} bytes`),
    );
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const head = Buffer.from(input.subarray(0, 1024)).toString('latin1');
    if (PDF_MAGIC.test(head)) return readPdf(input);
    if (ext === 'pdf') {
      return failedRead(
        'pdf',
        issue('pdf-unreadable', 'the file is named .pdf but does not start with a PDF signature (%PDF-)'),
      );
    }
    const decoded = decodeText(input);
    if (!decoded.ok) return failedRead('text', decoded.issue);
    text = decoded.text;
  }
  if (text.trim().length === 0) {
    return failedRead(
      formatFromExtension(ext),
      issue('input-empty', 'the input has no content (empty or only whitespace)'),
    );
  }
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[') || ext === 'json') return readFhirText(text);
  if (HL7_START.test(text)) return readHl7(text);
  if (ext === 'hl7' || ext === 'oru') return readHl7(text);
  if (ext === 'csv' || ext === 'tsv') return readCsv(text);
  if (sniffDelimited(text) !== null) return readCsv(text);
  return readText(text);
}

function formatFromExtension(ext: string): ReportFormat {
  switch (ext) {
    case 'pdf':
      return 'pdf';
    case 'csv':
    case 'tsv':
      return 'csv';
    case 'json':
      return 'fhir';
    case 'hl7':
    case 'oru':
      return 'hl7v2';
    default:
      return 'text';
  }
}
