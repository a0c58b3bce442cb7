// Loaded first by cucumber-js (see cucumber.mjs): registers tsx so the TypeScript step files
// that follow can be imported without a build step or NODE_OPTIONS.
import { register } from 'tsx/esm/api';

register();
