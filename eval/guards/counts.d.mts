export interface GuardRow {
  id: string;
  question: string;
  lang: string;
  expected: string;
  note: string;
}
export declare const LANGS: readonly string[];
export declare const LABELS: readonly string[];
export declare const DEV_PATH: string;
export declare function readGuardSet(path?: string): GuardRow[];
export declare function countTable(rows: readonly GuardRow[]): Record<string, Record<string, number>>;
export declare function markdownTable(rows: readonly GuardRow[]): string;
export declare function rowProblems(rows: readonly GuardRow[], idPattern: RegExp): string[];
export declare function sharedQuestions(rows: readonly GuardRow[], others: readonly GuardRow[]): string[];
export declare function minimumProblems(
  rows: readonly GuardRow[],
  min: Record<string, Record<string, number>>,
  minTotal: Record<string, number>,
): string[];
