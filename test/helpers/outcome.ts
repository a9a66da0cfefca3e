/**
 * Tests that assert what a training run achieves (an AUROC, a recovered motif) depend on the
 * trajectory, which depends on the CPU's kernels (DESIGN.md, decision 9). Such a test takes
 * its seed through `outcomeSeed` and reports the value it asserts on through `reportOutcome`,
 * so `make test-kernels` can rerun it over seeds (STRAND_TEST_SEED_OFFSET) and kernel paths
 * (ATEN_CPU_CAPABILITY, ONEDNN_MAX_CPU_ISA) and print the weakest value each assertion saw.
 */

/** The test's own seed, moved by STRAND_TEST_SEED_OFFSET (default 0) for seed sweeps. */
export function outcomeSeed(base: number): number {
  const offset = Number(process.env.STRAND_TEST_SEED_OFFSET ?? 0);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`STRAND_TEST_SEED_OFFSET must be a non-negative integer, got '${process.env.STRAND_TEST_SEED_OFFSET}'`);
  return base + offset;
}

/**
 * Prints `# outcome <name> <value> (need <bound>)`, the line test-kernels collects; `bound` is
 * the assertion's threshold, as text (e.g. '> 0.95').
 */
export function reportOutcome(name: string, value: number, bound: string): void {
  console.log(`# outcome ${name} ${Number.isFinite(value) ? value.toFixed(4) : String(value)} (need ${bound})`);
}
