import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { drawChart } from './chart.js';
import { Canvas, crc32 } from './png.js';

describe('PNG canvas', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes a PNG whose pixels decode back to what was drawn', () => {
    const c = new Canvas(4, 3);
    c.set(1, 2, [255, 0, 0]);
    const png = c.toPng();
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(4);
    expect(png.readUInt32BE(20)).toBe(3);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    const row = 2 * (4 * 3 + 1);
    expect([...raw.subarray(row + 1 + 3, row + 1 + 6)]).toEqual([255, 0, 0]);
    expect(raw.length).toBe(3 * 13);
  });

  it('refuses absurd sizes', () => {
    expect(() => new Canvas(0, 10)).toThrow(/positive integers/);
  });

  it('draws a chart with series in their colours', () => {
    const c = drawChart({
      title: 'T',
      xLabel: 'x',
      yLabel: 'y',
      x: { min: 0, max: 1, ticks: [0, 1] },
      y: { min: 0, max: 1, ticks: [0, 1] },
      series: [{ name: 's', points: [[0.5, 0.5]], color: [0, 0, 200], style: 'bars', barWidth: 0.2 }],
      width: 300,
      height: 300,
    });
    // The bar covers the plot centre column near the bottom.
    expect(c.get(Math.round(100 + 0.5 * 160), 300 - 90)).toEqual([0, 0, 200]);
  });
});
