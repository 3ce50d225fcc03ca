import { cosineAnnealing, CosineAnnealingOptions } from './cosineAnnealing';
import { epochListSchedule, EpochListScheduleOptions } from './epochListSchedule';
import { linearWarmup, LinearWarmupOptions } from './linearWarmup';
import { oneCycle, OneCycleOptions } from './oneCycle';
import { reduceLROnPlateau, ReduceLROnPlateauOptions } from './reduceLROnPlateau';
import { LrSchedule } from './schedule';

export type ScheduleConfig = { kind: string } & Record<string, unknown>;

export const SCHEDULE_KINDS = ['epochList', 'reduceLROnPlateau', 'cosine', 'oneCycle', 'linearWarmup'] as const;

/** Rebuild a schedule from `{kind, ...config}` (what `{kind: s.kind, ...s.config}` gives). */
export function scheduleFromConfig(config: ScheduleConfig): LrSchedule {
  const { kind, ...rest } = config ?? ({} as ScheduleConfig);
  switch (kind) {
    case 'epochList':
      return epochListSchedule(rest as unknown as EpochListScheduleOptions);
    case 'reduceLROnPlateau':
      return reduceLROnPlateau(rest as unknown as ReduceLROnPlateauOptions);
    case 'cosine':
      return cosineAnnealing(rest as unknown as CosineAnnealingOptions);
    case 'oneCycle':
      return oneCycle(rest as unknown as OneCycleOptions);
    case 'linearWarmup': {
      const { inner, ...opts } = rest as unknown as { inner: ScheduleConfig } & LinearWarmupOptions;
      return linearWarmup(scheduleFromConfig(inner), opts);
    }
    default:
      throw new RangeError(`scheduleFromConfig: kind: expected one of ${SCHEDULE_KINDS.map((k) => `'${k}'`).join(', ')}, received '${kind}'`);
  }
}
