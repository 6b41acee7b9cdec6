"""`make bench`: run every tests/bench/bench_*.py module's main(), each printing its figures and ratios."""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcf.settings")
    django.setup()
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    only = sys.argv[1:]
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}")
        importlib.import_module(f"tests.bench.{name}").main()


if __name__ == "__main__":
    main()
