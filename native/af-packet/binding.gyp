{
  "targets": [
    {
      "target_name": "af_packet",
      "sources": ["src/addon.c", "src/af_packet.c", "src/malloc_trim.c", "src/napi_errors.c", "src/tcp_md5.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-O2", "-fvisibility=hidden"],
      "cflags_c": ["-std=gnu11"]
    }
  ]
}
