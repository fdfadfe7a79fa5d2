/**
 * A benchmark module exports `run(opts)` returning sections that `bench/run.ts` writes into
 * BENCHMARKS.md (between markers named by `id`) and prints. Figures are measured, never typed in.
 */
export interface BenchSection {
  /** Stable id: BENCHMARKS.md keeps one block per id, replaced on each run. */
  id: string;
  title: string;
  /** Markdown body: a table of measured figures plus one line on method (machine, runs, inputs). */
  markdown: string;
  /** Raw numbers for machines (written to bench/results/<id>.json). */
  data: Record<string, unknown>;
}

export interface BenchOptions {
  /** Fewer iterations for a smoke run (CI checks the benchmark still works, not its numbers). */
  quick: boolean;
}

export type BenchModule = { run(opts: BenchOptions): Promise<BenchSection[]> };
