/**
 * @module pipeline/ingest/decode
 * Bytes → text for the text-based formats: byte-order marks (UTF-8, UTF-16 LE/BE), UTF-8 by
 * default, Windows-1252 when the bytes are not valid UTF-8 (older French, Spanish, German and
 * Portuguese lab exports), and a clear `input-binary` error for content that is not text.
 */
import { issue, type Issue } from '../../domain/issues.js';
import { BINARY_CONTROL, REPLACEMENT_CHAR } from '../normalize/patterns.js';

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; issue: Issue };

/** How much of the input is inspected to decide whether it is binary. */
const SNIFF_BYTES = 64 * 1024;

/** Decode report bytes to text, or explain why they are not text. */
export function decodeText(buf: Uint8Array): Decoded {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return decodeWith('utf-16le', buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return decodeWith('utf-16be', buf.subarray(2));
  const body =
    buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  const sniff = body.subarray(0, SNIFF_BYTES);
  // NUL bytes: binary, or UTF-16 without a byte-order mark (every other byte NUL in ASCII text).
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < sniff.length; i++) {
    if (sniff[i] === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    }
  }
  if (nulEven + nulOdd > 0) {
    const half = sniff.length / 2;
    if (nulOdd > 0.4 * half && nulEven < 0.05 * half) return decodeWith('utf-16le', body);
    if (nulEven > 0.4 * half && nulOdd < 0.05 * half) return decodeWith('utf-16be', body);
    return binary('contains NUL bytes');
  }
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return check(strict.decode(body), 'utf-8');
  } catch {
    // Not UTF-8. Windows-1252 maps every byte, so a binary file would "decode"; the control-character
    // check below is what tells text from binary then.
    return check(new TextDecoder('windows-1252').decode(body), 'windows-1252');
  }
}

function decodeWith(encoding: string, bytes: Uint8Array): Decoded {
  try {
    return check(new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding);
  } catch {
    return binary(`not valid ${encoding}`);
  }
}

function check(text: string, encoding: string): Decoded {
  const sample = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  const controls = sample.match(BINARY_CONTROL)?.length ?? 0;
  const replacements = sample.match(REPLACEMENT_CHAR)?.length ?? 0;
  if (sample.length > 0 && (controls + replacements) / sample.length > 0.02) {
    return binary(
      `${controls + replacements} control or undecodable characters in the first ${sample.length}`,
    );
  }
  return { ok: true, text, encoding };
}

function binary(why: string): Decoded {
  return {
    ok: false,
    issue: issue('input-binary', `the input is not a text, PDF, CSV, FHIR JSON or HL7 v2 report (${why})`),
  };
}
