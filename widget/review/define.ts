import { ConsentReview } from './review.js';

// Loaded on first use by <consent-manager>, and maybe by a second copy of the bundle on the same page.
if (!customElements.get('consent-review')) customElements.define('consent-review', ConsentReview);

export { ConsentReview };
