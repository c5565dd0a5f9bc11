import { describe, expect, it } from 'vitest';
import { maskAddress, maskPhone, maskResidentId, maskValue } from './masking.js';

describe('masking', () => {
  it.each([
    ['44010519900101123X', '440105********123X'],
    ['110101199003074514', '110101********4514'],
  ])('masks resident ID %s', (value, masked) => expect(maskResidentId(value)).toBe(masked));

  it.each([
    ['13812345678', '138****5678'],
    ['+86 138-1234-5678', '138****5678'],
    ['8613812345678', '138****5678'],
    ['１３８１２３４５６７８', '138****5678'],
    ['(020)8888-1234', '020****1234'],
    ['020-88881234', '020****1234'],
    ['12345', '*****'],
  ])('masks phone %s', (value, masked) => expect(maskPhone(value)).toBe(masked));

  it.each([
    ['广东省广州市越秀区北京路123号5楼', '广东省广州市越秀区北京路'],
    ['广州市天河区天河北路88号', '广州市天河区天河北路'],
    ['北京市东城区东华门街道东安门大街12号', '北京市东城区东华门街道'],
    ['广东省广州市番禺区石楼镇大岭村3巷2号', '广东省广州市番禺区石楼镇'],
    ['广州市海珠区123号', '广州市海珠区'],
    ['某某大院3号楼', ''],
  ])('cuts address %s after the street', (value, masked) => expect(maskAddress(value)).toBe(masked));

  it('leaves what is not a string alone', () => {
    expect(maskValue('PHONE', null)).toBeNull();
    expect(maskValue('RESIDENT_ID', '44010519900101123X')).toBe('440105********123X');
  });
});
