import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './server-node-flags.js';

const root = new URL('../../', import.meta.url);

describe('server Node flags', () => {
  it('are the ones npm start, npm run start:cluster and the image start the hub with', () => {
    const scripts = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts as Record<string, string>;
    expect(scripts['start']).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} bin/huitong.js start`);
    expect(scripts['start:cluster']).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} bin/huitong.js cluster`);
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(readFileSync(new URL('deploy/Dockerfile', root), 'utf8'))?.[1];
    expect(JSON.parse(entrypoint ?? 'null')).toEqual(['node', ...SERVER_NODE_FLAGS, 'bin/huitong.js']);
  });
});
