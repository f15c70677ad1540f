// Prometheus metrics of a running server: requests by operation and status, latency, bytes, store size, dedup.
// Counters live in memory and are rendered in the text exposition format on each scrape; the last hour per minute
// is kept too, for the console's dashboard (metrics-history.ts).
import { MetricsHistory } from "./metrics-history.ts";

/** Latency buckets in seconds: from a cached HEAD to a multi-gigabyte PUT. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface StoreGauges {
  /** bytes in pack files */
  bytes: number;
  blobs: number;
  dedupChunks: number;
  dedupBytes: number;
  /** the background scrub's counters, when it runs */
  scrub?: { passes: number; records: number; bytes: number; damaged: number };
  /** a distributed store's blob locations cached (bounded) and looked up in PostgreSQL on a miss */
  locations?: { cached: number; lookups: number };
  /** what memory pressure made the server do, when a memory limit is set */
  memoryReliefs?: { collections: number; cacheDrops: number };
}

export interface RequestSample {
  operation: string;
  status: number;
  seconds: number;
  bytesIn: number;
  bytesOut: number;
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private bytesIn = 0;
  private bytesOut = 0;
  private readonly started = Date.now();
  readonly history: MetricsHistory;

  constructor(private readonly storeGauges: () => StoreGauges) {
    this.history = new MetricsHistory(() => {
      const g = storeGauges();
      return { storedBytes: g.bytes, logicalBytes: g.bytes + g.dedupBytes };
    });
  }

  record(s: RequestSample): void {
    const key = `${s.operation}\u0000${s.status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(s.operation);
    if (!h) this.latency.set(s.operation, (h = { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (s.seconds <= LATENCY_BUCKETS[i]) h.counts[i]++;
    h.sum += s.seconds;
    h.count++;
    this.bytesIn += s.bytesIn;
    this.bytesOut += s.bytesOut;
    this.history.record(s.status, s.bytesIn, s.bytesOut);
  }

  render(): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family("strata_requests_total", "counter", "S3 requests by operation and HTTP status.");
    for (const [key, n] of [...this.requests].sort()) {
      const [operation, status] = key.split("\u0000");
      out.push(`strata_requests_total{operation="${operation}",status="${status}"} ${n}`);
    }
    family("strata_request_duration_seconds", "histogram", "Time from request to response headers, by operation.");
    for (const [operation, h] of [...this.latency].sort(([a], [b]) => (a < b ? -1 : 1))) {
      LATENCY_BUCKETS.forEach((le, i) => out.push(`strata_request_duration_seconds_bucket{operation="${operation}",le="${le}"} ${h.counts[i]}`));
      out.push(`strata_request_duration_seconds_bucket{operation="${operation}",le="+Inf"} ${h.count}`);
      out.push(`strata_request_duration_seconds_sum{operation="${operation}"} ${h.sum}`);
      out.push(`strata_request_duration_seconds_count{operation="${operation}"} ${h.count}`);
    }
    family("strata_received_bytes_total", "counter", "Payload bytes received (declared request lengths).");
    out.push(`strata_received_bytes_total ${this.bytesIn}`);
    family("strata_sent_bytes_total", "counter", "Payload bytes sent (declared response lengths).");
    out.push(`strata_sent_bytes_total ${this.bytesOut}`);
    const store = this.storeGauges();
    family("strata_store_bytes", "gauge", "Bytes in the store's pack files.");
    out.push(`strata_store_bytes ${store.bytes}`);
    family("strata_store_blobs", "gauge", "Blobs (chunks, manifests, tree nodes, commits) in the store.");
    out.push(`strata_store_blobs ${store.blobs}`);
    family("strata_chunks_deduplicated_total", "counter", "Chunks written that were already stored, so not written again.");
    out.push(`strata_chunks_deduplicated_total ${store.dedupChunks}`);
    family("strata_deduplicated_bytes_total", "counter", "Bytes not written again thanks to deduplication.");
    out.push(`strata_deduplicated_bytes_total ${store.dedupBytes}`);
    if (store.scrub) {
      family("strata_scrub_passes_total", "counter", "Whole passes of the background scrub over the store.");
      out.push(`strata_scrub_passes_total ${store.scrub.passes}`);
      family("strata_scrub_bytes_total", "counter", "Bytes the background scrub read and checked (SHA-256).");
      out.push(`strata_scrub_bytes_total ${store.scrub.bytes}`);
      family("strata_scrub_damaged_records_total", "counter", "Damaged pack records the background scrub found (run strata fsck).");
      out.push(`strata_scrub_damaged_records_total ${store.scrub.damaged}`);
    }
    if (store.locations) {
      family("strata_blob_locations_cached", "gauge", "Blob locations a distributed gateway holds in memory (bounded by its memory budget).");
      out.push(`strata_blob_locations_cached ${store.locations.cached}`);
      family("strata_blob_location_lookups_total", "counter", "Blob locations looked up in PostgreSQL because the cache lacked them.");
      out.push(`strata_blob_location_lookups_total ${store.locations.lookups}`);
    }
    if (store.memoryReliefs !== undefined) {
      family("strata_memory_pressure_collections_total", "counter", "Garbage collections the memory guard asked for: RSS neared --memory-limit, or (without one) garbage piled up.");
      out.push(`strata_memory_pressure_collections_total ${store.memoryReliefs.collections}`);
      family("strata_memory_pressure_cache_drops_total", "counter", "Times RSS neared --memory-limit and the caches were dropped.");
      out.push(`strata_memory_pressure_cache_drops_total ${store.memoryReliefs.cacheDrops}`);
    }
    family("strata_uptime_seconds", "gauge", "Seconds since the server started.");
    out.push(`strata_uptime_seconds ${(Date.now() - this.started) / 1000}`);
    return out.join("\n") + "\n";
  }
}
