import { base, type Strings } from './strings.js';
import { more } from './strings-more.js';

/**
 * The shipped languages in full, for a page that builds its own `strings` from them. The element itself loads
 * only what it shows: the words of the first screen, the rest on first use, Spanish when the page asks for it.
 */
export const en: Strings = { ...base, ...more };
export { es } from './strings-es.js';
