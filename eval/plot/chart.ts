/**
 * @module eval/plot/chart
 * Small charts on the PNG canvas: axes with ticks, line/point series, bars, a legend.
 * Enough for a reliability diagram and a latency scaling curve.
 */
import { Canvas, type Rgb } from './png.js';

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color: Rgb;
  style: 'line' | 'points' | 'line+points' | 'bars' | 'dashed';
  /** Bar width in x units (bars only). */
  barWidth?: number;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  x: { min: number; max: number; log?: boolean; ticks: number[]; format?: (v: number) => string };
  y: { min: number; max: number; ticks: number[]; format?: (v: number) => string };
  series: Series[];
  width?: number;
  height?: number;
  /** Extra lines of text under the title (e.g. ECE = 0.03, n = 104). */
  notes?: string[];
}

const BLACK: Rgb = [30, 30, 30];
const GREY: Rgb = [200, 200, 200];

export function drawChart(spec: ChartSpec): Canvas {
  const W = spec.width ?? 900;
  const H = spec.height ?? 640;
  const c = new Canvas(W, H);
  const left = 100;
  const right = W - 40;
  const top = 70 + (spec.notes?.length ?? 0) * 18;
  const bottom = H - 80;
  const tx = (v: number): number => {
    const f = spec.x.log
      ? (Math.log10(v) - Math.log10(spec.x.min)) / (Math.log10(spec.x.max) - Math.log10(spec.x.min))
      : (v - spec.x.min) / (spec.x.max - spec.x.min);
    return left + f * (right - left);
  };
  const ty = (v: number): number => bottom - ((v - spec.y.min) / (spec.y.max - spec.y.min)) * (bottom - top);
  const fx = spec.x.format ?? ((v: number) => String(v));
  const fy = spec.y.format ?? ((v: number) => String(v));

  c.text(left, 20, spec.title, BLACK, 3);
  spec.notes?.forEach((n, i) => c.text(left, 52 + i * 18, n, [80, 80, 80], 2));
  for (const t of spec.y.ticks) {
    c.line(left, ty(t), right, ty(t), GREY, 1);
    const label = fy(t);
    c.text(left - 10 - c.textWidth(label), ty(t) - 7, label, BLACK, 2);
  }
  for (const t of spec.x.ticks) {
    c.line(tx(t), top, tx(t), bottom, GREY, 1);
    const label = fx(t);
    c.text(tx(t) - c.textWidth(label) / 2, bottom + 10, label, BLACK, 2);
  }
  c.line(left, bottom, right, bottom, BLACK, 2);
  c.line(left, top, left, bottom, BLACK, 2);
  c.text((left + right) / 2 - c.textWidth(spec.xLabel) / 2, bottom + 40, spec.xLabel, BLACK, 2);
  c.textVertical(20, (top + bottom) / 2 + c.textWidth(spec.yLabel) / 2, spec.yLabel, BLACK, 2);

  for (const s of spec.series) {
    if (s.style === 'bars') {
      const w = s.barWidth ?? 0.08;
      for (const [x, y] of s.points) {
        const x0 = tx(x - w / 2);
        const x1 = tx(x + w / 2);
        c.rect(x0, ty(y), Math.max(1, x1 - x0), ty(spec.y.min) - ty(y), s.color);
      }
      continue;
    }
    if (s.style !== 'points') {
      for (let i = 1; i < s.points.length; i++) {
        const [a, b] = [s.points[i - 1]!, s.points[i]!];
        c.line(tx(a[0]), ty(a[1]), tx(b[0]), ty(b[1]), s.color, 3, s.style === 'dashed' ? 8 : 0);
      }
    }
    if (s.style === 'points' || s.style === 'line+points')
      for (const [x, y] of s.points) c.circle(tx(x), ty(y), 5, s.color);
  }
  // Legend, top-left inside the plot area.
  spec.series.forEach((s, i) => {
    const y = top + 12 + i * 22;
    c.rect(left + 14, y, 22, 12, s.color);
    c.text(left + 44, y - 1, s.name, BLACK, 2);
  });
  return c;
}
