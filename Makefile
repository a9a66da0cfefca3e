# Every target installs what the machine lacks first (scripts/setup.sh is idempotent).
.PHONY: setup setup-peers demo test test-kernels bench bench-accuracy bench-lm fuzz gen clean

setup:
	@scripts/setup.sh

setup-peers:
	@scripts/setup.sh --peers

demo: setup
	@node dist/src/cli/main.js demo

test: setup-peers
	@node scripts/run-tests.mjs

# The tests that assert training outcomes, over 5 seeds and every kernel path of this CPU (about 50 minutes on 2 cores).
test-kernels: setup-peers
	@npx tsc -p tsconfig.json && node scripts/test-kernels.mjs

bench: setup-peers
	@node dist/bench/run.js

# Accuracy on real data against PyTorch and scikit-learn on the same splits, 5 seeds (about an hour; not part of make test).
bench-accuracy: setup-peers
	@node dist/bench/accuracy.js

# genomic language models on yeast chrIV and human chr20 against count models (about 40 min, 1 thread)
bench-lm: setup
	@node dist/bench/lm.js

# >= 100,000 mutated real files over every input reader, then random requests to `strand serve`
fuzz: setup
	@node scripts/fuzz.mjs

gen: setup
	@npm run gen

clean:
	rm -rf build dist
