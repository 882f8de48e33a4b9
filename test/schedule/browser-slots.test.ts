import { describe, expect, it } from 'vitest';
import { defaultMaxContexts } from '../../src/steps/browser-session.js';
import { ContextSlots } from '../../src/steps/browser-slots.js';

describe('browser context slots', () => {
  it('lets `limit` runs in at once and the next ones in arrival order as contexts close', async () => {
    const slots = new ContextSlots(2);
    expect(await slots.acquire()).toBe(0);
    expect(await slots.acquire()).toBe(0);
    const order: string[] = [];
    const third = slots.acquire().then(() => order.push('third'));
    const fourth = slots.acquire().then(() => order.push('fourth'));
    await Promise.resolve();
    expect(slots.waiting).toBe(2);
    expect(order).toEqual([]);
    slots.release();
    await third;
    expect(order).toEqual(['third']);
    expect(slots.waiting).toBe(1);
    slots.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    // Everything closed: two slots free again, no wait.
    slots.release();
    slots.release();
    expect(await slots.acquire()).toBe(0);
    expect(await slots.acquire()).toBe(0);
    expect(slots.waiting).toBe(0);
  });

  it('defaults to two contexts per core (the knee measured at 4 on 2 cores), at least one', () => {
    expect(defaultMaxContexts(2)).toBe(4);
    expect(defaultMaxContexts(1)).toBe(2);
    expect(defaultMaxContexts(0)).toBe(1);
  });
});
