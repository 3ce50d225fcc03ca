import { cosineAnnealing } from './cosineAnnealing';
import { epochListSchedule } from './epochListSchedule';
import { linearWarmup } from './linearWarmup';
import { oneCycle, OneCycleOptions } from './oneCycle';
import { reduceLROnPlateau } from './reduceLROnPlateau';
import { scheduleFromConfig } from './scheduleFromConfig';
import fixture from './__fixtures__/schedules.json';

function expectSeq(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(want[i])));
}

describe('oneCycle', () => {
  it.each(fixture.oneCycle.map((c) => [JSON.stringify(c.options), c] as const))('matches torch OneCycleLR %s', (_n, cs) => {
    const s = oneCycle(cs.options as OneCycleOptions);
    expect(s.kind).toBe('oneCycle');
    expect(s.unit).toBe('step');
    expectSeq(cs.lrs.map((_, t) => s(t)), cs.lrs);
  });

  it('uses torch defaults (pct 0.3, cos, div 25, final div 1e4)', () => {
    const s = oneCycle({ maxLr: 1, totalSteps: 100 });
    expect(s(0)).toBeCloseTo(1 / 25, 15);
    expect(s(29)).toBeCloseTo(1, 15);
    expect(s(99)).toBeCloseTo(1 / 25 / 1e4, 15);
    expect(s.config).toEqual({ maxLr: 1, totalSteps: 100, pctStart: 0.3, annealStrategy: 'cos', divFactor: 25, finalDivFactor: 1e4, threePhase: false });
  });

  it('rejects steps past totalSteps, as torch does', () => {
    expect(() => oneCycle({ maxLr: 1, totalSteps: 10 })(11)).toThrow(/t: expected a step <= totalSteps \(10\), received 11/);
  });
});

describe('cosineAnnealing', () => {
  it.each(fixture.cosine.map((c) => [JSON.stringify(c.options), c] as const))('matches torch CosineAnnealingLR %s', (_n, cs) => {
    const s = cosineAnnealing(cs.options);
    expectSeq(cs.lrs.map((_, t) => s(t)), cs.lrs);
  });

  it('warms up linearly, then anneals over the remaining steps, then stays at minLr', () => {
    const s = cosineAnnealing({ baseLr: 1, totalSteps: 14, warmupSteps: 4, minLr: 0.1 });
    expect([0, 1, 2, 3].map(s)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(s(4)).toBe(1);
    expect(s(9)).toBeCloseTo(0.55, 12);
    expect(s(14)).toBe(0.1);
    expect(s(99)).toBe(0.1);
  });
});

describe('epochListSchedule', () => {
  it("gives seed 002's per-epoch rates and keeps the last one", () => {
    const s = epochListSchedule({ lrs: [1e-3, 1e-3, 1e-4, 1e-4, 1e-5] });
    expect([0, 1, 2, 3, 4, 5, 9].map(s)).toEqual([1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5, 1e-5]);
    expect(s.unit).toBe('epoch');
    expect(() => epochListSchedule({ lrs: [] })).toThrow(/lrs: expected a non-empty array/);
  });
});

describe('reduceLROnPlateau (Keras semantics)', () => {
  it('reduces after `patience` epochs without a minDelta improvement, with cooldown and minLr', () => {
    const s = reduceLROnPlateau({ initialLr: 1, factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minLr: 0.2 });
    // Hand-traced with tf.keras' on_epoch_end (cooldown re-checked after its decrement):
    // e0 best 1 | e1 .995 !< .99 wait 1 | e2 wait 2 -> lr .5, cd 1 | e3 cd->0, .8 improves
    // e4 wait 1 | e5 wait 2 -> .25, cd 1 | e6 cd->0, wait 1 | e7 wait 2 -> max(.125, .2) = .2
    // e8 cd->0, wait 1 | e9, e10 lr == minLr: no change.
    const losses = [1.0, 0.995, 0.99, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
    const got: number[] = [];
    losses.forEach((l, e) => {
      s.observe!(e, { valLoss: l });
      got.push(s(e + 1));
    });
    expect(got).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2]);
  });

  it('max mode and a longer cooldown', () => {
    const s = reduceLROnPlateau({ initialLr: 1, monitor: 'f1', mode: 'max', factor: 0.1, patience: 1, minDelta: 0, cooldown: 2 });
    const got = [0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7].map((v, e) => (s.observe!(e, { f1: v }), s(e + 1)));
    // e2 wait 1 -> .1, cd 2 | e3 cd 1 | e4 cd 0 -> wait 1 -> .01 | e5 cd 1 | e6 improves
    expect(got.map((v) => +v.toPrecision(12))).toEqual([1, 1, 0.1, 0.1, 0.01, 0.01, 0.01]);
  });

  it('checkpoints its state and names a missing monitor', () => {
    const s = reduceLROnPlateau({ initialLr: 1, patience: 0 });
    s.observe!(0, { valLoss: 1 });
    s.observe!(1, { valLoss: 2 });
    expect(s(2)).toBeCloseTo(0.1, 15);
    const t = reduceLROnPlateau({ initialLr: 1, patience: 0 });
    t.setState!(JSON.parse(JSON.stringify(s.getState!())));
    expect(t(0)).toBeCloseTo(0.1, 15);
    expect(() => t.observe!(2, { loss: 1 })).toThrow(/monitor: expected 'valLoss' in the logs of epoch 2, received keys loss/);
  });
});

describe('linearWarmup and scheduleFromConfig', () => {
  it('scales the inner schedule during warm-up', () => {
    const s = linearWarmup(epochListSchedule({ lrs: [2] }), { warmupSteps: 4 });
    expect([0, 1, 2, 3, 4, 5].map(s)).toEqual([0, 0.5, 1, 1.5, 2, 2]);
    const t = linearWarmup(epochListSchedule({ lrs: [2] }), { warmupSteps: 2, startFactor: 0.5 });
    expect([0, 1, 2].map(t)).toEqual([1, 1.5, 2]);
  });

  it('rebuilds every kind from {kind, ...config}', () => {
    const all = [
      oneCycle({ maxLr: 0.01, totalSteps: 50, threePhase: true }),
      cosineAnnealing({ baseLr: 0.1, totalSteps: 20, warmupSteps: 3 }),
      epochListSchedule({ lrs: [1, 0.1] }),
      reduceLROnPlateau({ initialLr: 0.3 }),
      linearWarmup(oneCycle({ maxLr: 0.01, totalSteps: 50 }), { warmupSteps: 5 }),
    ];
    for (const s of all) {
      const back = scheduleFromConfig(JSON.parse(JSON.stringify({ kind: s.kind, ...s.config })));
      expect(back.kind).toBe(s.kind);
      expect(back.unit).toBe(s.unit);
      for (const t of [0, 1, 4, 7, 19]) expect(back(t)).toBe(s(t));
    }
    expect(() => scheduleFromConfig({ kind: 'step' })).toThrow(/kind: expected one of 'epochList', .*received 'step'/);
  });
});
