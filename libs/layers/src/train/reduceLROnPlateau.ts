/**
 * Keras' ReduceLROnPlateau as a schedule. Keras semantics (tf.keras 2.x):
 * at each epoch end, with `current = logs[monitor]`:
 *   - in cooldown: cooldownCounter -= 1, wait = 0
 *   - improved (min mode: current < best - minDelta): best = current, wait = 0
 *   - else, when not in cooldown (checked again AFTER the decrement, as Keras
 *     does, so cooldown=1 only resets `wait`): wait += 1; when wait >= patience
 *     and lr > minLr: lr = max(lr * factor, minLr), cooldownCounter = cooldown,
 *     wait = 0 (at minLr, wait keeps growing, as in Keras)
 * The new learning rate applies from the next epoch on.
 */
import { checkInt, checkNonNegative, checkOneOf, checkPositive, checkRange } from './check';
import { LrSchedule, makeSchedule } from './schedule';

export interface ReduceLROnPlateauOptions {
  /** Learning rate until the first reduction. */
  initialLr: number;
  /** Log key fed to `observe` each epoch. @default 'valLoss' */
  monitor?: string;
  /** @default 'min' */
  mode?: 'min' | 'max';
  /** Multiplier on reduction, in (0, 1). @default 0.1 */
  factor?: number;
  /** Epochs without improvement before reducing. @default 10 */
  patience?: number;
  /** Smallest change that counts as an improvement. @default 1e-4 */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. @default 0 */
  cooldown?: number;
  /** Floor for the learning rate. @default 0 */
  minLr?: number;
}

interface PlateauState {
  lr: number;
  best: number | null; // null = +-Infinity (JSON has no Infinity)
  wait: number;
  cooldownCounter: number;
}

export function reduceLROnPlateau(options: ReduceLROnPlateauOptions): LrSchedule {
  const w = 'reduceLROnPlateau';
  const cfg = {
    initialLr: checkNonNegative(w, 'initialLr', options.initialLr),
    monitor: options.monitor ?? 'valLoss',
    mode: checkOneOf(w, 'mode', options.mode ?? 'min', ['min', 'max'] as const),
    factor: checkRange(w, 'factor', options.factor ?? 0.1, 0, 1),
    patience: checkInt(w, 'patience', options.patience ?? 10, 0),
    minDelta: checkNonNegative(w, 'minDelta', options.minDelta ?? 1e-4),
    cooldown: checkInt(w, 'cooldown', options.cooldown ?? 0, 0),
    minLr: checkNonNegative(w, 'minLr', options.minLr ?? 0),
  };
  checkPositive(w, 'factor', cfg.factor);
  let st: PlateauState = { lr: cfg.initialLr, best: null, wait: 0, cooldownCounter: 0 };
  // Keras' exact arithmetic (np.less(current, best - min_delta)): 0.99 vs 1 - 0.01 must tie.
  const improved = (current: number) =>
    st.best === null || (cfg.mode === 'min' ? current < st.best - cfg.minDelta : current > st.best + cfg.minDelta);

  return makeSchedule('reduceLROnPlateau', 'epoch', cfg, () => st.lr, {
    observe(epoch, logs) {
      const current = logs[cfg.monitor];
      if (typeof current !== 'number' || Number.isNaN(current)) {
        const have = Object.keys(logs).filter((k) => typeof logs[k] === 'number');
        throw new RangeError(`reduceLROnPlateau: monitor: expected '${cfg.monitor}' in the logs of epoch ${epoch}, received keys ${have.join(', ') || 'none'}`);
      }
      if (st.cooldownCounter > 0) {
        st.cooldownCounter -= 1;
        st.wait = 0;
      }
      if (improved(current)) {
        st.best = current;
        st.wait = 0;
      } else if (st.cooldownCounter <= 0) {
        st.wait += 1;
        if (st.wait >= cfg.patience && st.lr > cfg.minLr) {
          st.lr = Math.max(st.lr * cfg.factor, cfg.minLr);
          st.cooldownCounter = cfg.cooldown;
          st.wait = 0;
        }
      }
    },
    getState: () => ({ ...st }),
    setState(s) {
      st = { ...(s as unknown as PlateauState) };
    },
  });
}
