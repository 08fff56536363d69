"""Adapters: the only modules that call third-party parsers (cached, guarded, swappable)."""
