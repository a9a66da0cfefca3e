{
  "targets": [
    {
      "target_name": "strand_native",
      "sources": [
        "native/addon.cc",
        "native/buffers.cc",
        "native/cpu_allocator.cc",
        "native/distributed.cc",
        "native/dtypes.cc",
        "native/errors.cc",
        "native/ivalue.cc",
        "native/ops.cc",
        "native/runtime.cc",
        "native/tensor_table.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/libtorch-flags.cjs include)",
        "native/shim"
      ],
      "libraries": ["<!@(node scripts/libtorch-flags.cjs libs)"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8", "<!@(node scripts/libtorch-flags.cjs defines)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter"]
    }
  ]
}
