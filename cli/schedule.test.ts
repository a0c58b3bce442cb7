import { describe, expect, it } from 'vitest';
import { workersFor } from './schedule.js';

describe('workersFor: the default worker count from the target', () => {
  it('gives the embedded reference broker 8 on 2 CPUs, as any broker on this machine', () => {
    expect(workersFor('reference', '127.0.0.1', 2)).toBe(8);
  });
  it('gives a separate broker on this machine (a process, a loopback URL) 8, since the run mostly waits', () => {
    expect(workersFor('process', '127.0.0.1', 2)).toBe(8);
    expect(workersFor('url', 'localhost', 2)).toBe(8);
    expect(workersFor('url', '::1', 2)).toBe(8);
  });
  it('gives a remote broker 4, a container too unless reached on a loopback port', () => {
    expect(workersFor('url', '10.0.0.7', 2)).toBe(4);
    expect(workersFor('container', '10.88.0.2', 2)).toBe(4);
    expect(workersFor('container', '127.0.0.1', 2)).toBe(8);
  });
  it('never fewer than 2, and fewer on one CPU', () => {
    expect(workersFor('reference', '127.0.0.1', 1)).toBe(4);
    expect(workersFor('process', '127.0.0.1', 1)).toBe(4);
    expect(workersFor('url', '10.0.0.7', 1)).toBe(3);
  });
});
