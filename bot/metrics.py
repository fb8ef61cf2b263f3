"""Prometheus metrics on a registry of their own (no global registry, nothing at import time)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self, namespace: str = "orderbot") -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg, ns = self.registry, namespace
        self.updates_handled = Counter(
            "updates_handled", "Telegram updates handled", registry=reg, namespace=ns)
        self.updates_parked = Counter(
            "updates_parked", "Updates set aside after failing every attempt", registry=reg,
            namespace=ns)
        self.intake_stopped = Gauge(
            "intake_stopped", "1 while a database fault stops the intake of updates",
            registry=reg, namespace=ns)
        self.messages_sent = Counter(
            "messages_sent", "Outbox rows delivered", registry=reg, namespace=ns)
        self.messages_retried = Counter(
            "messages_retried", "Outbox rows put back for a retry (5xx, network)",
            registry=reg, namespace=ns)
        self.messages_failed = Counter(
            "messages_failed", "Outbox rows given up, with a reason", registry=reg, namespace=ns)
        self.responses_429 = Counter(
            "responses_429", "429 Too Many Requests answers", registry=reg, namespace=ns)
        self.outbox_depth = Gauge(
            "outbox_depth", "Outbox rows not yet delivered or given up", registry=reg,
            namespace=ns)
        self.outbox_oldest_age_seconds = Gauge(
            "outbox_oldest_age_seconds", "Age of the oldest undelivered outbox row",
            registry=reg, namespace=ns)
        self.hook_events_sent = Counter(
            "hook_events_sent", "Events the marketplace's hook took (2xx)", registry=reg,
            namespace=ns)
        self.hook_events_retried = Counter(
            "hook_events_retried", "Hook events put back for a retry", registry=reg,
            namespace=ns)
        self.hook_events_failed = Counter(
            "hook_events_failed", "Hook events given up after ORDERBOT_HOOK_MAX_AGE_HOURS",
            registry=reg, namespace=ns)
        self.hook_events_pending = Gauge(
            "hook_events_pending", "Hook events not yet taken by the hook", registry=reg,
            namespace=ns)
        self.scheduler_lag_seconds = Gauge(
            "scheduler_lag_seconds", "How late the scheduler ran its last due job",
            registry=reg, namespace=ns)

    def render(self) -> bytes:
        """The text exposition format, for a /metrics endpoint."""
        return generate_latest(self.registry)
