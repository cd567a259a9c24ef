"""Prometheus metrics of one gateway, on a registry of its own (no process-wide globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


class GatewayMetrics:
    """Request counts, latencies and token totals, labelled by model and status."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "zgpu_requests",
            "Inference requests answered, by model and HTTP status.",
            ["model", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "zgpu_request_latency_seconds",
            "Time from receiving an inference request to answering it.",
            ["model"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.tokens = Counter(
            "zgpu_tokens",
            "Tokens processed, by model and direction (input or output).",
            ["model", "direction"],
            registry=self.registry,
        )

    def observe(
        self, model: str, status: int, latency_s: float, input_tokens: int, output_tokens: int
    ) -> None:
        """Count one answered request."""
        self.requests.labels(model=model, status=str(status)).inc()
        self.latency.labels(model=model).observe(latency_s)
        if input_tokens:
            self.tokens.labels(model=model, direction="input").inc(input_tokens)
        if output_tokens:
            self.tokens.labels(model=model, direction="output").inc(output_tokens)

    def render(self) -> bytes:
        """The exposition text for ``GET /metrics``."""
        return generate_latest(self.registry)
