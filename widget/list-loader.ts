import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Consent } from '@consent-manager/contract';
import type { ApiClient } from './api-client.js';

/**
 * Loads the customer's list through the element's API client: on first update, again whenever the client changes
 * (`bff`, `mode`), and on `run()`. A newer load aborts the one in flight (its `AbortSignal` reaches `fetch`), and
 * only the newest answer counts. This is @lit/task's pattern for the one task the element has, in a fraction of its
 * kilobyte: the drop-in file has 15 KB for everything, Lit included.
 */
export class ListLoader implements ReactiveController {
  /** A load is in flight. */
  pending = false;
  private client?: ApiClient;
  private abort?: AbortController;

  constructor(
    private host: ReactiveControllerHost,
    private options: { client(): ApiClient; onComplete(list: Consent[]): void; onError(e: unknown): void },
  ) {
    host.addController(this);
  }

  hostUpdate() {
    if (this.options.client() != this.client) this.run();
  }

  async run(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const client = (this.client = this.options.client());
    this.pending = true;
    this.host.requestUpdate();
    try {
      const list = await client.list(abort.signal);
      if (abort == this.abort) this.options.onComplete(list);
    } catch (e) {
      if (abort == this.abort) this.options.onError(e);
    } finally {
      if (abort == this.abort) {
        this.pending = false;
        this.host.requestUpdate();
      }
    }
  }
}
