"""Tests of footprint.review."""
