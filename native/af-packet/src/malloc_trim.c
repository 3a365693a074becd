// Hands the C heap's free pages back to the kernel. glibc's free() returns memory only from the top
// of an arena; pages freed in the middle (a burst's TLS connections, HTTP buffers, V8's compiler
// zones) stay resident until malloc_trim() releases them. Node has no API for it, so the controller
// calls this once its work queue has been quiet a while (issue 14: a controller with 1,000 Services
// held about 6 MiB of such pages).
#include "malloc_trim.h"

#include <stddef.h>

// Weak, so the addon still loads where the C library has no malloc_trim: the prebuilds are compiled
// against glibc and picked by CPU alone, and musl (Alpine) would otherwise refuse the whole addon for
// this one symbol, AF_PACKET and TCP MD5 with it. There the symbol is NULL and nothing is trimmed.
extern int malloc_trim(size_t pad) __attribute__((weak));

// heapTrim(): true when memory went back to the kernel, false when none did or there is no
// malloc_trim.
napi_value heap_trim(napi_env env, napi_callback_info info) {
  (void)info;
  bool released = malloc_trim != NULL && malloc_trim(0) == 1;
  napi_value result;
  if (napi_get_boolean(env, released, &result) != napi_ok) return NULL;
  return result;
}
