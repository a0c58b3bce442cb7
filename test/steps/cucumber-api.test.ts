import { describe, expect, it } from 'vitest';
import * as whole from '@cucumber/cucumber';
import * as light from '../../steps/support/cucumber.js';

/*
 * steps/support/cucumber.ts hands the step definitions cucumber's API without loading the whole
 * package. It must be the very same API: the same functions (registering on the same support code
 * library), the same World class, the same Status values.
 */
describe('the lightweight cucumber API of the steps', () => {
  it('comes from the support code library builder, not the whole package', () => {
    expect(light.lightweightCucumber).toBe(true);
  });

  it('registers on the support code library of @cucumber/cucumber itself', () => {
    // The builder hands out a fresh wrapper function on every read of its methods, so the functions
    // cannot be compared; the builder they call, and the World class, can.
    expect(light.supportCodeLibraryBuilder).toBe(whole.supportCodeLibraryBuilder);
    expect(light.World).toBe(whole.World);
    for (const name of ['After', 'AfterAll', 'AfterStep', 'Before', 'BeforeAll', 'Given', 'When', 'Then', 'defineParameterType', 'setDefaultTimeout', 'setParallelCanAssign', 'setWorldConstructor'] as const) {
      expect(typeof light[name], name).toBe('function');
    }
  });

  it('Status has the same values', () => {
    expect(light.Status).toStrictEqual(whole.Status);
  });
});
