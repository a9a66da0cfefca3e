# Every target installs what the machine lacks first (scripts/setup.sh is idempotent).
.PHONY: setup setup-peers demo test test-kernels bench gen clean

setup:
	@scripts/setup.sh

setup-peers:
	@scripts/setup.sh --peers

demo: setup
	@node dist/src/cli/main.js demo

test: setup-peers
	@node scripts/run-tests.mjs

# The tests that assert training outcomes, over 5 seeds and every kernel path of this CPU (about N minutes).
test-kernels: setup-peers
	@npx tsc -p tsconfig.json && node scripts/test-kernels.mjs

bench: setup-peers
	@node dist/bench/run.js

gen: setup
	@npm run gen

clean:
	rm -rf build dist
