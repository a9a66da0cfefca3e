// Prints compiler/linker flags for the libtorch the addon builds against, for binding.gyp.
// LIBTORCH=/path/to/libtorch selects an unpacked libtorch (CPU or CUDA); otherwise the
// system's (Debian libtorch-dev: headers in /usr/include, libraries on the default path).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = process.env.LIBTORCH;
const what = process.argv[2];

function system() {
  return {
    include: ['/usr/include', '/usr/include/torch/csrc/api/include'],
    libs: ['-ltorch', '-ltorch_cpu', '-lc10'],
  };
}

function unpacked(dir) {
  const lib = path.join(dir, 'lib');
  const libs = [`-L${lib}`, `-Wl,-rpath,${lib}`];
  // CUDA kernels register themselves at load time; keep the library even though no symbol is used.
  if (fs.existsSync(path.join(lib, 'libtorch_cuda.so'))) libs.push('-Wl,--no-as-needed', '-ltorch_cuda', '-Wl,--as-needed');
  libs.push('-ltorch', '-ltorch_cpu', '-lc10');
  return { include: [path.join(dir, 'include'), path.join(dir, 'include/torch/csrc/api/include')], libs };
}

// c10d's Gloo process group compiles only with the gloo headers (Debian: libgloo-dev); without
// them the addon builds without `distributed`. STRAND_NO_GLOO=1 builds without it on purpose.
function defines(include) {
  const gloo = include.some((dir) => fs.existsSync(path.join(dir, 'gloo', 'algorithm.h')));
  return gloo && process.env.STRAND_NO_GLOO !== '1' ? ['USE_C10D_GLOO'] : [];
}

const flags = root ? unpacked(root) : system();
const out = { include: flags.include, libs: flags.libs, defines: defines(flags.include) }[what];
if (out === undefined) throw new Error(`usage: node scripts/libtorch-flags.cjs include|libs|defines, got '${what}'`);
process.stdout.write(out.join(' '));
