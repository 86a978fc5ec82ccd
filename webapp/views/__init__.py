"""Blueprints, one module per area."""
