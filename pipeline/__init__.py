"""Recount: facts, dates and figures from official statements, with exact offsets."""

__version__ = "0.1.0"
