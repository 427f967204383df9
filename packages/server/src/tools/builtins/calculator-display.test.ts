import { describe, expect, it } from 'vitest';
import { forDisplay } from './calculator.js';

describe('calculator results for people', () => {
  it('rounds long numbers to six significant digits and leaves short ones alone', () => {
    expect(forDisplay('52.195180147936 miles')).toBe('52.1952 miles');
    expect(forDisplay('0.333333333333333')).toBe('0.333333');
    expect(forDisplay('84 km')).toBe('84 km');
    expect(forDisplay('3.5')).toBe('3.5');
    expect(forDisplay('[1.234567891, 2]')).toBe('[1.23457, 2]');
  });
});
