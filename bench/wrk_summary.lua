-- wrk script for bench/run.py: after the run, one JSON line (prefixed WRK_SUMMARY) with the
-- numbers the results table needs, so that nothing has to be parsed out of wrk's human
-- output. Durations and latencies from wrk are in microseconds.
-- Sets the Accept header for SPARQL results (both servers then answer JSON).
wrk.headers["Accept"] = "application/sparql-results+json"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_SUMMARY {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
