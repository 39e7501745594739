from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark and load-test tooling: installed only when BENCH=1 (make bench, make load) or in the
    tests, never in production."""

    name = "bench"
    verbose_name = "Benchmark"
