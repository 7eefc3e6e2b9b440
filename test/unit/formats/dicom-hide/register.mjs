// Loaded with `node --import`: makes the codec packages look uninstalled (as in an app that did not add them).
import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
