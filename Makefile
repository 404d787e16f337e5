# The two commands a newcomer needs: `make demo` and `make test` (each installs what is missing first).
.PHONY: setup demo test lint bench screenshots clean

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/workbench --demo

test: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -p no:cacheprovider

lint: setup
	.venv/bin/ruff check app tests bench scripts
	.venv/bin/mypy
	.venv/bin/lint-imports

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; .venv/bin/python $$b || exit 1; done

screenshots: setup
	.venv/bin/python scripts/screenshots.py

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
