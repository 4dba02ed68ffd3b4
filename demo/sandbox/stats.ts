/** Per-endpoint request counts, so tests and benchmarks can assert how often the BFF reached upstream. */

export const ENDPOINTS = ['token', 'list', 'auto_share', 'account', 'revoke'] as const;
export type EndpointKey = (typeof ENDPOINTS)[number];

export type EndpointCounts = Record<EndpointKey, number> & {
  /** Sum of the five endpoint counts. */
  total: number;
  /** Token requests answered 200. */
  tokens_issued: number;
};

export interface SandboxStats extends EndpointCounts {
  by_customer: Record<string, EndpointCounts>;
}

const zero = (): EndpointCounts => ({ token: 0, list: 0, auto_share: 0, account: 0, revoke: 0, total: 0, tokens_issued: 0 });

export class StatsRecorder {
  private totals = zero();
  private customers = new Map<string, EndpointCounts>();

  private customer(id: string): EndpointCounts {
    let counts = this.customers.get(id);
    if (!counts) this.customers.set(id, (counts = zero()));
    return counts;
  }

  /** Every request that reached an endpoint, answered or not. */
  hit(key: EndpointKey): void {
    this.totals[key]++;
    this.totals.total++;
  }

  /** Called once the request's customer is known (and exists), so by_customer stays bounded. */
  attribute(key: EndpointKey, customerId: string): void {
    const counts = this.customer(customerId);
    counts[key]++;
    counts.total++;
  }

  tokenIssued(customerId: string): void {
    this.totals.tokens_issued++;
    this.customer(customerId).tokens_issued++;
  }

  snapshot(): SandboxStats {
    return {
      ...this.totals,
      by_customer: Object.fromEntries([...this.customers].map(([id, c]) => [id, { ...c }])),
    };
  }

  reset(): void {
    this.totals = zero();
    this.customers.clear();
  }
}

export interface RecordedRequest {
  method: string;
  /** Path and query relative to where the sandbox is mounted. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** ISO-8601, sandbox clock. */
  at: string;
}

/** The last `capacity` requests, oldest first. */
export class RequestLog {
  private entries: RecordedRequest[] = [];

  constructor(private readonly capacity = 500) {}

  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): RecordedRequest[] {
    return this.entries.map((e) => ({ ...e, headers: { ...e.headers } }));
  }

  clear(): void {
    this.entries = [];
  }
}
