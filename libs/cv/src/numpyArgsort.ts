/**
 * A port of numpy 1.24's default `np.argsort` (kind='quicksort': introsort
 * with median-of-3 pivots, insertion sort for 16 elements or fewer, heapsort when
 * too deep). It is not stable, and scikit-learn's GroupKFold inherits its
 * order among equal-sized groups, so fold parity needs this exact algorithm.
 */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const v = values;
  const n = v.length;
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  if (n < 2) return a;
  const SMALL_QUICKSORT = 15; // numpy: partition while pr - pl > 15
  const less = (x: number, y: number): boolean => x < y;
  const swap = (i: number, j: number): void => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };

  let pl = 0;
  let pr = n - 1;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let cdepth = msb(n) * 2;

  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, a, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[a[pm]], v[a[pl]])) swap(pm, pl);
        if (less(v[a[pr]], v[a[pm]])) swap(pr, pm);
        if (less(v[a[pm]], v[a[pl]])) swap(pm, pl);
        const vp = v[a[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (less(v[a[pi]], vp));
          do --pj;
          while (less(vp, v[a[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // Push the larger partition, keep working on the smaller one.
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = a[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && less(vp, v[a[pj - 1]])) {
          a[pj] = a[pj - 1];
          pj--;
        }
        a[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
  return a;
}

/** numpy's aheapsort_ on a[start .. start+n) (1-based heap indexing). */
function aheapsort(v: ArrayLike<number>, a: Int32Array, start: number, n: number): void {
  const at = (i: number): number => a[start + i - 1];
  const set = (i: number, x: number): void => {
    a[start + i - 1] = x;
  };
  for (let l = n >> 1; l > 0; --l) {
    const tmp = at(l);
    let i = l;
    let j = l << 1;
    while (j <= n) {
      if (j < n && v[at(j)] < v[at(j + 1)]) j += 1;
      if (v[tmp] < v[at(j)]) {
        set(i, at(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  while (n > 1) {
    const tmp = at(n);
    set(n, at(1));
    n -= 1;
    let i = 1;
    let j = 2;
    while (j <= n) {
      if (j < n && v[at(j)] < v[at(j + 1)]) j++;
      if (v[tmp] < v[at(j)]) {
        set(i, at(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
}

/** Index of the most significant set bit (numpy's npy_get_msb). */
function msb(n: number): number {
  let depth = 0;
  while ((n >>>= 1) > 0) depth++;
  return depth;
}
