"""How fast this machine runs Python at the moment of a run: the same pages measured 61, 65 and
80 ms on three machines of the same kind (2 cores each), and one machine's speed drifted by half
within minutes. A fixed piece of page-like work (numbers formatted, strings joined, dictionaries
read), timed before and after the cases, lets two runs be compared with their machines."""

import statistics
import time


def _work() -> int:
    rows = {code: (code * 37 % 9_973, code * 101 % 99_991) for code in range(4_000)}
    written = []
    for code, (enrolled, population) in rows.items():
        rate = enrolled * 10_000 // (population or 1)
        written.append(f'<td class="num">{enrolled:,}</td><td>{rate // 100},{rate % 100:02d}%</td><td>{code:05d}</td>')
    return len("".join(written))


def python_loop_ms(runs: int = 7) -> float:
    """The median time of the fixed work, in ms, after one unmeasured run."""
    _work()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        _work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)
