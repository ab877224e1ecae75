"""Helpers the tests share: realistic nights, warehouses, servers on loopback, fixtures."""
