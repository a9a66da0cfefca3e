# Every target installs what the machine lacks first (scripts/setup.sh is idempotent).
.PHONY: setup setup-peers demo test bench fuzz gen clean

setup:
	@scripts/setup.sh

setup-peers:
	@scripts/setup.sh --peers

demo: setup
	@node dist/src/cli/main.js demo

test: setup-peers
	@node scripts/run-tests.mjs

bench: setup-peers
	@node dist/bench/run.js

# >= 100,000 mutated real files over every input reader, then random requests to `strand serve`
fuzz: setup
	@node scripts/fuzz.mjs

gen: setup
	@npm run gen

clean:
	rm -rf build dist
