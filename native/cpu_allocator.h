// The CPU allocator libtorch uses for tensor memory: large blocks cached for reuse.
#pragma once

namespace strand {
// Installs the caching allocator as libtorch's CPU allocator (once; before any tensor exists).
void InstallCpuAllocator();
}  // namespace strand
