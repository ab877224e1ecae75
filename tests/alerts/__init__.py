"""Tests of footprint.alerts."""
