/**
 * What "Stop sharing" needs, a chunk of its own in the drop-in build: the dialog, the stops' status, the stop queue
 * and its calls to the BFF's consent ledger.
 */
import { ConsentStopDialog } from './stop-dialog/define.js';
import { ConsentStopStatus } from './stop-status/define.js';

export { StopQueue } from './stop-queue.js';
export { outstanding } from './stop-ledger.js';
/**
 * The elements this chunk defines. Named here so that a bundler that trusts the package's `sideEffects` still keeps
 * their define modules.
 */
export const elements = [ConsentStopDialog, ConsentStopStatus];
