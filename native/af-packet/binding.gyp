{
  "targets": [
    {
      "target_name": "af_packet",
      "sources": ["src/af_packet.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-O2", "-fvisibility=hidden"],
      "cflags_c": ["-std=gnu11"]
    }
  ]
}
