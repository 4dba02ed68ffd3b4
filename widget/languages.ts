import { more } from './strings-more.js';
import { es as esMore } from './strings-es-more.js';
import { es as esBase } from './strings-es.js';
import { base, type Strings } from './strings.js';

/**
 * The shipped languages in full, for a page that builds its own `strings` from them: `await loadStrings('es')`
 * (the package entry) loads this module on first call. The element itself loads only what it shows: the words of the
 * first screen, the rest on first use, Spanish when the page asks for it.
 */
export const en: Strings = { ...base, ...more };
export const es: Strings = { ...esBase, ...esMore };
