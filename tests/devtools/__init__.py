"""Tests of footprint.devtools."""
