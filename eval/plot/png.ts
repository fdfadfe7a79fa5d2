/**
 * @module eval/plot/png
 * A minimal raster canvas and PNG encoder (zlib from Node, CRC-32 below), so that evaluation and
 * benchmark commands can write their plots (reliability diagram, scaling curve) without a native
 * graphics dependency or a browser. Text uses a built-in 5×7 bitmap font (ASCII 32–126).
 */
import { deflateSync } from 'node:zlib';
import { FONT_5X7 } from './font.js';

export type Rgb = readonly [number, number, number];

export class Canvas {
  readonly width: number;
  readonly height: number;
  private readonly px: Uint8Array;

  constructor(width: number, height: number, background: Rgb = [255, 255, 255]) {
    if (
      !Number.isInteger(width) ||
      !Number.isInteger(height) ||
      width <= 0 ||
      height <= 0 ||
      width * height > 16_000_000
    ) {
      throw new Error(`canvas size must be positive integers up to 16 megapixels, got ${width}×${height}`);
    }
    this.width = width;
    this.height = height;
    this.px = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.px.set(background, i * 3);
  }

  set(x: number, y: number, c: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    this.px.set(c, (yi * this.width + xi) * 3);
  }

  get(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.px[i]!, this.px[i + 1]!, this.px[i + 2]!];
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.max(0, Math.round(y)); j < Math.min(this.height, Math.round(y + h)); j++) {
      for (let i = Math.max(0, Math.round(x)); i < Math.min(this.width, Math.round(x + w)); i++)
        this.set(i, j, c);
    }
  }

  /** A line of the given thickness (Bresenham with a square brush). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1, dash = 0): void {
    const dx = x1 - x0;
    const dy = y1 - y0;
    const steps = Math.max(Math.abs(dx), Math.abs(dy), 1);
    const r = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      if (dash > 0 && Math.floor(s / dash) % 2 === 1) continue;
      const x = x0 + (dx * s) / steps;
      const y = y0 + (dy * s) / steps;
      for (let a = -r; a <= r; a++) for (let b = -r; b <= r; b++) this.set(x + a, y + b, c);
    }
  }

  circle(cx: number, cy: number, radius: number, c: Rgb): void {
    for (let y = -radius; y <= radius; y++) {
      for (let x = -radius; x <= radius; x++)
        if (x * x + y * y <= radius * radius) this.set(cx + x, cy + y, c);
    }
  }

  /** Draw text with the 5×7 font; `scale` enlarges each font pixel. Returns the width drawn. */
  text(x: number, y: number, s: string, c: Rgb, scale = 2): number {
    let cx = x;
    for (const ch of s) {
      const glyph = FONT_5X7[ch] ?? FONT_5X7['?']!;
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) {
          if (glyph[row]! & (1 << (4 - col))) this.rect(cx + col * scale, y + row * scale, scale, scale, c);
        }
      }
      cx += 6 * scale;
    }
    return cx - x;
  }

  textWidth(s: string, scale = 2): number {
    return [...s].length * 6 * scale;
  }

  /** Text rotated 90° counter-clockwise (for a y-axis label), drawn upwards from (x, y). */
  textVertical(x: number, y: number, s: string, c: Rgb, scale = 2): void {
    let cy = y;
    for (const ch of s) {
      const glyph = FONT_5X7[ch] ?? FONT_5X7['?']!;
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) {
          if (glyph[row]! & (1 << (4 - col))) this.rect(x + row * scale, cy - col * scale, scale, scale, c);
        }
      }
      cy -= 6 * scale;
    }
  }

  toPng(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0; // filter: none
      Buffer.from(this.px.buffer, this.px.byteOffset + y * this.width * 3, this.width * 3).copy(
        raw,
        y * (this.width * 3 + 1) + 1,
      );
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type: truecolour RGB
    ihdr[10] = 0;
    ihdr[11] = 0;
    ihdr[12] = 0;
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length, 0);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td), 0);
  return Buffer.concat([len, td, crc]);
}
