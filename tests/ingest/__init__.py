"""Tests of footprint.ingest."""
