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

const flags = root ? unpacked(root) : system();
process.stdout.write((what === 'include' ? flags.include : flags.libs).join(' '));
