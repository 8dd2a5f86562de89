.PHONY: demo test bench clean

# Build everything, generate and load a demo county, run the pipeline, serve http://127.0.0.1:8000
demo:
	scripts/bootstrap.sh
	.venv/bin/doudi demo

# The whole test suite: ruff, mypy, pytest on SQLite and on PostgreSQL
test:
	scripts/test.sh

bench:
	scripts/bootstrap.sh
	.venv/bin/python bench/run_all.py

clean:
	rm -rf .venv var
