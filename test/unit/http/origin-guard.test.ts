import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { edgeClientAddress, ORIGIN_VERIFY_HEADER, originGuard, VIEWER_ADDRESS_HEADER } from '../../../functions/http/origin-guard';

const current = 'a'.repeat(24);
const previous = 'b'.repeat(24);

const guarded = () => {
  const inner = new Hono().get('/newsroom', (c) => c.text(`vu de ${edgeClientAddress(c)}`));
  return new Hono().use(originGuard([current, previous])).route('/', inner);
};

describe('originGuard (requests must come through CloudFront)', () => {
  it('refuses a request without the origin header, in French, before any route runs', async () => {
    const res = await guarded().request('/newsroom');
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('Accès refusé : passez par l’adresse publique du site.');
  });

  it('refuses a wrong value, even of the same length', async () => {
    const res = await guarded().request('/newsroom', { headers: { [ORIGIN_VERIFY_HEADER]: 'c'.repeat(24) } });
    expect(res.status).toBe(403);
  });

  it('lets the current and the previous value through (rotation)', async () => {
    for (const value of [current, previous]) {
      const res = await guarded().request('/newsroom', {
        headers: { [ORIGIN_VERIFY_HEADER]: value, [VIEWER_ADDRESS_HEADER]: '203.0.113.7' },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('vu de 203.0.113.7');
    }
  });

  it('takes the client address from the edge header, never from X-Forwarded-For', async () => {
    const res = await guarded().request('/newsroom', { headers: { [ORIGIN_VERIFY_HEADER]: current, 'x-forwarded-for': '198.51.100.1' } });
    expect(await res.text()).toBe('vu de inconnu');
  });

  it('will not start without a usable secret', () => {
    expect(() => originGuard(['short'])).toThrow(/at least 16 characters/);
  });
});
