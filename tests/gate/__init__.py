"""Tests of footprint.gate."""
