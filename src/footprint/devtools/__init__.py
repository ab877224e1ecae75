"""Development tools: the extract generator, fixtures, benchmarks, a throwaway PostgreSQL,
the calendar seed. The nightly path never imports this package."""
