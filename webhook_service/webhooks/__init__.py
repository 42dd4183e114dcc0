"""Outgoing webhooks: the delivery worker (`ugig-webhook-worker`) and its parts.

Imports neither Flask nor the Stripe SDK: the worker runs as its own process.
"""
