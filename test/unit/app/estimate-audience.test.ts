import { describe, expect, it } from 'vitest';
import { distinctPeopleStrategy, estimateAudience } from '../../../functions/app/estimate-audience';
import type { SubscriptionStatus } from '../../../functions/domain/audience';
import type { Store } from '../../../functions/ports';
import { audienceByWalkingEveryMember } from '../../support/audience-oracle';
import { InMemoryStore } from '../../support/in-memory-store';

const at = '2026-03-06T09:00:00.000Z';
const statuses: readonly SubscriptionStatus[] = ['confirmed', 'confirmed', 'unconfirmed', 'unsubscribed'];

/** A small deterministic generator (mulberry32): the same audiences on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** People on four lists of different sizes, many on several, some with a blocked address (some of those on no list). */
async function audience(seed: number) {
  const store = new InMemoryStore();
  const next = random(seed);
  const lists = ['l1', 'l2', 'l3', 'l4'];
  for (let i = 0; i < 400; i++) {
    const id = `p${i}`;
    const email = `p${i}@example.org`;
    await store.createSubscriber({ id, email, tags: [], language: 'fr', createdAt: at, updatedAt: at });
    for (const [k, listId] of lists.entries()) {
      // l1 takes about 60 % of the people, l4 about 15 %.
      if (next() < 0.6 - k * 0.15) {
        const status = statuses[Math.floor(next() * statuses.length)] ?? 'confirmed';
        await store.putMembership({ listId, subscriberId: id, email, status, updatedAt: at });
      }
    }
    if (next() < 0.12) await store.suppress(email, next() < 0.5 ? 'hard-bounce' : 'unsubscribed-all', at);
  }
  for (let i = 0; i < 20; i++) await store.suppress(`inconnu${i}@example.org`, 'manual', at);
  return store;
}

/** The store, with a count of each method called on it. */
function counted(store: Store) {
  const calls = new Map<string, number>();
  const spy = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { spy, calls };
}

describe('an audience counted from the lists’ counters', () => {
  it('equals a walk over every member, for each list alone and for lists together, both ways of finding people on several lists, on ten random audiences', async () => {
    const choices = [['l1'], ['l2'], ['l4'], ['l1', 'l2'], ['l3', 'l4'], ['l1', 'l2', 'l3', 'l4'], ['l4', 'l2', 'l4'], ['l1', 'vide']];
    for (let seed = 1; seed <= 10; seed++) {
      const store = await audience(seed);
      for (const listIds of choices) {
        const expected = await audienceByWalkingEveryMember(store, listIds);
        for (const strategy of ['lookup', 'walk', undefined] as const)
          expect({ seed, listIds, strategy, ...(await estimateAudience({ store }, listIds, undefined, { strategy })) }).toEqual({
            seed,
            listIds,
            strategy,
            ...expected,
          });
      }
    }
  });

  it('reads one list’s counter and the suppressions, never its members', async () => {
    const { spy, calls } = counted(await audience(42));
    const estimate = await estimateAudience({ store: spy }, ['l1']);
    expect(estimate.recipients).toBeGreaterThan(100);
    expect(estimate.suppressed).toBeGreaterThan(0);
    expect(calls.get('countMembersByStatus')).toBe(1);
    expect(calls.get('listMembers')).toBeUndefined();
    expect(calls.get('findSuppressed')).toBeUndefined();
  });

  it('by lookup, walks every list but the largest to find the people on several, and only those', async () => {
    const store = await audience(7);
    const { spy, calls } = counted(store);
    const walked: string[] = [];
    const watching = new Proxy(spy, {
      get(target, name, receiver) {
        if (name !== 'listMembers') return Reflect.get(target, name, receiver);
        return (listId: string, options?: { limit?: number; cursor?: string }) => {
          walked.push(listId);
          return target.listMembers(listId, options);
        };
      },
    });
    await estimateAudience({ store: watching }, ['l4', 'l1', 'l3'], undefined, { strategy: 'lookup' });
    expect(calls.get('countMembersByStatus')).toBe(3);
    expect(new Set(walked)).toEqual(new Set(['l3', 'l4'])); // l1, the largest, is never walked
  });

  it('looks a press list up on a large newsletter, and walks lists of similar sizes', () => {
    expect(distinctPeopleStrategy([100_000, 500])).toBe('lookup'); // 500 lookups against 100,500 walked
    expect(distinctPeopleStrategy([100_000, 5_000, 2_000])).toBe('lookup');
    expect(distinctPeopleStrategy([112_360, 94_003, 89_331])).toBe('walk'); // 272,665 lookups against 295,694 walked
    expect(distinctPeopleStrategy([240, 180])).toBe('walk');
  });

  it('counts a confirmed person whose address is blocked once, and takes them out of the reached', async () => {
    const store = new InMemoryStore();
    const person = { id: 'p', email: 'p@example.org', tags: [], language: 'fr', createdAt: at, updatedAt: at };
    await store.createSubscriber(person);
    for (const listId of ['l1', 'l2'])
      await store.putMembership({ listId, subscriberId: 'p', email: person.email, status: 'confirmed', updatedAt: at });
    await store.putMembership({ listId: 'l3', subscriberId: 'p', email: person.email, status: 'unconfirmed', updatedAt: at });
    expect(await estimateAudience({ store }, ['l1', 'l2', 'l3'])).toEqual({ recipients: 1, suppressed: 0, notConfirmed: 0 });
    await store.suppress(person.email, 'complaint', at);
    expect(await estimateAudience({ store }, ['l1', 'l2', 'l3'])).toEqual({ recipients: 0, suppressed: 1, notConfirmed: 0 });
    expect(await estimateAudience({ store }, ['l3'])).toEqual({ recipients: 0, suppressed: 0, notConfirmed: 1 });
  });
});
