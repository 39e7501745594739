"""bench.instructions reads cachegrind's count and says what it needs."""

from bench import instructions

SUMMARY = """==12070== Cachegrind, a high-precision tracing profiler
==12070==
==12070== I   refs:      5,619,063,267
"""


def test_the_count_is_read_from_cachegrinds_summary():
    assert instructions.instructions_in(SUMMARY) == 5_619_063_267
    assert instructions.instructions_in("==1== Cachegrind\n") is None


def test_without_a_url_it_says_how_it_is_called(capsys):
    assert instructions.main([]) == 2
    assert "python -m bench.instructions URL" in capsys.readouterr().err
