import { describe, expect, it } from 'vitest';
import { jsonEndpoint, requestUrl } from './http-json.js';

describe('jsonEndpoint / requestUrl', () => {
  it('moves credentials to a header, strips the trailing slash and keeps the base query', () => {
    const ep = jsonEndpoint('https://hub:p%40ss@api.example/housing/?token=t1');
    expect(ep.base).toBe('https://api.example/housing');
    expect(ep.headers.authorization).toBe(`Basic ${Buffer.from('hub:p@ss').toString('base64')}`);
    expect(requestUrl(ep, '/api/v2/permits', { unitIds: ['U1', 'U 2'], limit: 5, after: undefined })).toBe(
      'https://api.example/housing/api/v2/permits?token=t1&unitIds=U1,U%202&limit=5',
    );
  });

  it('never echoes the URL when it is invalid', () => {
    expect(() => jsonEndpoint('secret-token-no-scheme')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
    expect(() => jsonEndpoint('ftp://h/')).toThrow(/http/);
  });
});
