import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { normalizeRequestedFields } from './governed-fields.js';

const governed = ['ApplicantRecord.phone', 'ApplicantRecord.address', 'Permit.applicant'];
const failure = (fields: string[]) => {
  try {
    normalizeRequestedFields(fields, governed);
  } catch (error) {
    if (error instanceof GraphQLError) return { message: error.message, extensions: error.extensions };
    throw error;
  }
  throw new Error('expected a BAD_USER_INPUT');
};

describe('requested fields', () => {
  it('accepts governed coordinates and types that have one, trimmed, deduplicated and sorted', () => {
    expect(normalizeRequestedFields([' Permit.applicant', 'ApplicantRecord', 'ApplicantRecord.phone', 'Permit.applicant'], governed)).toEqual([
      'ApplicantRecord',
      'ApplicantRecord.phone',
      'Permit.applicant',
    ]);
  });

  it('names the first field the hub does not govern', () => {
    expect(failure(['ApplicantRecord.phone', 'ApplicantRecord.salary'])).toMatchObject({
      message: expect.stringContaining('ApplicantRecord.salary'),
      extensions: { code: 'BAD_USER_INPUT', argument: 'input.fields', field: 'ApplicantRecord.salary' },
    });
    expect(failure(['Department'])).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'Department' } });
    // A type-level entry must be a type, not a field name alone.
    expect(failure(['phone'])).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', index: 0 } });
  });

  it('never echoes an entry that is not shaped like a coordinate (it could be a personal identifier)', () => {
    const idLike = '44010519900307123X';
    const error = failure(['ApplicantRecord.phone', idLike]);
    expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', index: 1 } });
    expect(JSON.stringify(error)).not.toContain(idLike);
  });

  it('refuses an empty list and an overlong one', () => {
    expect(failure([])).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(failure(Array.from({ length: 101 }, () => 'ApplicantRecord.phone'))).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
