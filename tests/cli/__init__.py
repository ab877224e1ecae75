"""Tests of footprint.cli."""
