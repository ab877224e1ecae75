"""Tests of footprint.readers."""
