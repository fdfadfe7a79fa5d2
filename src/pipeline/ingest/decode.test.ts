import { describe, expect, it } from 'vitest';
import { decodeText } from './decode.js';

describe('decodeText', () => {
  it('decodes UTF-8 (with or without BOM), UTF-16 and Windows-1252', () => {
    expect(decodeText(Buffer.from('\ufeffFSH 6,5 UI/l', 'utf8'))).toMatchObject({
      ok: true,
      text: 'FSH 6,5 UI/l',
    });
    expect(
      decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Œstradiol 40', 'utf16le')])),
    ).toMatchObject({ ok: true, text: 'Œstradiol 40' });
    expect(decodeText(Buffer.from('AMH 1.2 ng/mL\nFSH 6.5', 'utf16le'))).toMatchObject({
      ok: true,
      encoding: 'utf-16le',
    });
    expect(
      decodeText(Buffer.from([0x50, 0x72, 0x6f, 0x67, 0x65, 0x73, 0x74, 0xe9, 0x72, 0x6f, 0x6e, 0x65])),
    ).toMatchObject({ ok: true, text: 'Progestérone', encoding: 'windows-1252' });
  });
  it('refuses binary content with input-binary', () => {
    const junk = Buffer.alloc(2048);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
    const r = decodeText(junk);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.code).toBe('input-binary');
  });
});
