"""Delivery: the outbox, sending with retries, outcomes, scheduled reports, channels' mail."""
