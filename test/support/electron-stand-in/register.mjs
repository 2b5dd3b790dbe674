// Loaded with `node --import <this file>`: maps the `electron` specifier to the stand-in for every importer.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
