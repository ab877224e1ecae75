"""Whole nights through every stage."""
