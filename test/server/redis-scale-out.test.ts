import { after, before, describe } from 'node:test';
import { scaleOutTests } from '../support/redis-scale-out-suite.js';
import { startTopology, type TestTopology } from '../support/redis-topology.js';

describe('Redis: one server', () => {
  let redis: TestTopology;
  before(async () => { redis = await startTopology('server'); });
  after(() => redis.stop());
  scaleOutTests('one Redis', () => redis);
});
