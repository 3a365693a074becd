import { describe, expect, it } from 'vitest';
import { downOrder } from './process-table.js';
import type { ProcessSpec } from './processes.js';

const spec = (name: string, stopBoundMs?: number): ProcessSpec => ({
  name,
  ns: 'ns',
  cmd: name,
  args: [],
  logFile: `${name}.log`,
  ...(stopBoundMs === undefined ? {} : { stopBoundMs }),
});
const table = (...specs: ProcessSpec[]) => Object.fromEntries(specs.map((s) => [s.name, s]));

describe('downOrder', () => {
  it.each([
    ['nothing', table(), []],
    [
      'unbounded only: reverse start order, so etcd goes last',
      table(spec('etcd'), spec('kube-apiserver'), spec('kube-proxy-n1'), spec('pod-a')),
      ['pod-a', 'kube-proxy-n1', 'kube-apiserver', 'etcd'],
    ],
    [
      'bounded first, while the apiserver still answers their graceful stop',
      table(
        spec('etcd'),
        spec('kube-apiserver'),
        spec('controller', 5000),
        spec('speaker-n1', 5000),
        spec('pod-a'),
      ),
      ['speaker-n1', 'controller', 'pod-a', 'kube-apiserver', 'etcd'],
    ],
  ])('%s', (_what, processes, order) => {
    expect(downOrder(processes)).toEqual(order);
  });
});
