"""Tsunagari."""
