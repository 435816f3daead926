// One line of `npm run bench`: a measurement and, when it has one, its baseline from the same run.
export type BenchRow = {
  name: string;
  seconds: number;
  baseline?: string;
  baselineSeconds?: number;
  ratio?: number;
  peakRssMiB?: number;
  note?: string;
};
