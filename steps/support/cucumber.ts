import { createRequire } from 'node:module';
import type * as Cucumber from '@cucumber/cucumber';

/*
 * The part of cucumber's API the step definitions use, without loading the whole package in every
 * worker. Why: `@cucumber/cucumber`'s main module also loads its command line, configuration
 * (with a YAML parser), API and every formatter, 214 modules a worker never uses, and every worker
 * of a run loads them at the same time on the same CPUs: about a second of a 2-core machine's wall
 * time before the first scenario of a 6-worker run. These functions are the very ones the main
 * module exports (`support_code_library_builder`'s `methods`, the World class, the step status
 * enum), taken from the modules it takes them from, through the `./lib/*` entry of cucumber's
 * export map. test/steps/cucumber-api.test.ts checks they come from the same builder instance. Should a cucumber release
 * move them, this falls back to the whole package: slower, never different.
 */

type Api = Pick<
  typeof Cucumber,
  | 'supportCodeLibraryBuilder'
  | 'After'
  | 'AfterAll'
  | 'AfterStep'
  | 'Before'
  | 'BeforeAll'
  | 'Given'
  | 'When'
  | 'Then'
  | 'defineParameterType'
  | 'setDefaultTimeout'
  | 'setParallelCanAssign'
  | 'setWorldConstructor'
  | 'World'
  | 'Status'
>;

const require = createRequire(import.meta.url);

/** Whether the API came from the builder's own modules (true) or from the whole package (false). */
export let lightweightCucumber = true;

function loadApi(): Api {
  try {
    const builder = (require('@cucumber/cucumber/lib/support_code_library_builder/index') as { default: Api['supportCodeLibraryBuilder'] & { methods: Omit<Api, 'World' | 'Status' | 'supportCodeLibraryBuilder'> } }).default;
    const world = (require('@cucumber/cucumber/lib/support_code_library_builder/world') as { default: Api['World'] }).default;
    const messages = createRequire(require.resolve('@cucumber/cucumber'))('@cucumber/messages') as { TestStepResultStatus: Api['Status'] };
    const m = builder.methods;
    if (typeof m.Given !== 'function' || typeof world !== 'function' || typeof messages.TestStepResultStatus !== 'object') throw new Error('unexpected layout');
    return {
      supportCodeLibraryBuilder: builder,
      After: m.After,
      AfterAll: m.AfterAll,
      AfterStep: m.AfterStep,
      Before: m.Before,
      BeforeAll: m.BeforeAll,
      Given: m.Given,
      When: m.When,
      Then: m.Then,
      defineParameterType: m.defineParameterType,
      setDefaultTimeout: m.setDefaultTimeout,
      setParallelCanAssign: m.setParallelCanAssign,
      setWorldConstructor: m.setWorldConstructor,
      World: world,
      Status: messages.TestStepResultStatus,
    };
  } catch {
    lightweightCucumber = false;
    return require('@cucumber/cucumber') as Api;
  }
}

const api = loadApi();

/** The support code library the functions below register on: cucumber's own (the test compares). */
export const supportCodeLibraryBuilder: Api['supportCodeLibraryBuilder'] = api.supportCodeLibraryBuilder;
export const After: Api['After'] = api.After;
export const AfterAll: Api['AfterAll'] = api.AfterAll;
export const AfterStep: Api['AfterStep'] = api.AfterStep;
export const Before: Api['Before'] = api.Before;
export const BeforeAll: Api['BeforeAll'] = api.BeforeAll;
export const Given: Api['Given'] = api.Given;
export const When: Api['When'] = api.When;
export const Then: Api['Then'] = api.Then;
export const defineParameterType: Api['defineParameterType'] = api.defineParameterType;
export const setDefaultTimeout: Api['setDefaultTimeout'] = api.setDefaultTimeout;
export const setParallelCanAssign: Api['setParallelCanAssign'] = api.setParallelCanAssign;
export const setWorldConstructor: Api['setWorldConstructor'] = api.setWorldConstructor;
export const World: Api['World'] = api.World;
export const Status: Api['Status'] = api.Status;
export type { DataTable, IWorldOptions } from '@cucumber/cucumber';
