import { describe, expect, it } from 'vitest';
import { orderErrorsByField } from './error-order.js';

const error = (message: string, path?: Array<string | number>) => ({ message, ...(path ? { path } : {}) });

describe('orderErrorsByField', () => {
  it('orders errors by where their fields stand in the data, whatever order they failed in', () => {
    const data = {
      a: null,
      b: {
        list: [
          { x: 1, y: null },
          { x: null, y: 2 },
        ],
      },
      c: null,
    };
    const errors = [error('c', ['c']), error('list 1 x', ['b', 'list', 1, 'x']), error('no path'), error('list 0 y', ['b', 'list', 0, 'y']), error('a', ['a'])];
    expect(orderErrorsByField(errors, data).map((e) => e.message)).toEqual(['a', 'list 0 y', 'list 1 x', 'c', 'no path']);
  });

  it('orders by name below a field the error nulled, and keeps errors at one field in their order', () => {
    const data = { applicant: null };
    const errors = [error('name', ['applicant', 'name']), error('id 1', ['applicant', 'id']), error('id 2', ['applicant', 'id'])];
    expect(orderErrorsByField(errors, data).map((e) => e.message)).toEqual(['id 1', 'id 2', 'name']);
    expect(orderErrorsByField([...errors].reverse(), data).map((e) => e.message)).toEqual(['id 2', 'id 1', 'name']);
  });
});
