"""Sync with the district backend: outbox drain, resumable attachment upload, result pull."""
