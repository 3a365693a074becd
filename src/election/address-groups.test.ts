import { describe, expect, it } from 'vitest';
import { addressGroups } from './address-groups.js';

const svc = (key: string, ...ips: string[]) => ({ key, ips });
const show = (services: ReturnType<typeof svc>[]) =>
  addressGroups(services)
    .map(
      (g) =>
        `${g.key}: ${g.ips.join(' ')} <- ${g.services
          .map((s) => s.key)
          .sort()
          .join(' ')}`,
    )
    .sort();

describe('addressGroups', () => {
  it.each([
    {
      name: 'one address, one Service',
      services: [svc('a', '198.18.0.1')],
      want: ['198.18.0.1: 198.18.0.1 <- a'],
    },
    {
      name: 'a dual-stack Service is one group, keyed by its lowest address',
      services: [svc('a', '2001:db8::1', '198.18.0.1')],
      want: ['198.18.0.1: 198.18.0.1 2001:db8::1 <- a'],
    },
    {
      name: 'two Services sharing an address are one group',
      services: [svc('a', '198.18.0.1'), svc('b', '198.18.0.1')],
      want: ['198.18.0.1: 198.18.0.1 <- a b'],
    },
    {
      name: 'sharing chains join: a dual-stack Service sharing its IPv6 with a third',
      services: [svc('a', '198.18.0.9', '2001:db8::1'), svc('b', '2001:db8::1'), svc('c', '198.18.0.2')],
      want: ['198.18.0.2: 198.18.0.2 <- c', '198.18.0.9: 198.18.0.9 2001:db8::1 <- a b'],
    },
    {
      name: 'joined late through a second Service: the key is still the lowest address',
      services: [
        svc('a', '198.18.0.5'),
        svc('b', '198.18.0.7'),
        svc('c', '198.18.0.7', '198.18.0.3', '198.18.0.5'),
      ],
      want: ['198.18.0.3: 198.18.0.3 198.18.0.5 198.18.0.7 <- a b c'],
    },
    { name: 'a Service without addresses is in no group', services: [svc('a')], want: [] },
  ])('$name', ({ services, want }) => {
    expect(show(services)).toEqual(want);
    expect(show([...services].reverse())).toEqual(want);
  });
});
