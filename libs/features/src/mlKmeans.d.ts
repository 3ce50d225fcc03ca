// ml-kmeans 7 ships ESM with types behind "exports", which this repo's
// moduleResolution (node10) cannot see; declare the part kmeans.ts uses.
declare module 'ml-kmeans' {
  export interface KMeansOptions {
    maxIterations?: number;
    tolerance?: number;
    initialization?: 'kmeans++' | 'random' | 'mostDistant' | number[][];
    seed?: number;
  }
  export interface KMeansResult {
    clusters: number[];
    centroids: number[][];
    converged: boolean;
    iterations: number;
  }
  export function kmeans(data: number[][], K: number, options: KMeansOptions): KMeansResult;
}
