// Hands the C heap's free pages back to the kernel. glibc's free() returns memory only from the top
// of an arena; pages freed in the middle (a burst's TLS connections, HTTP buffers, V8's compiler
// zones) stay resident until malloc_trim() releases them. Node has no API for it, so the controller
// calls this once its work queue has been quiet a while (issue 14: a controller with 1,000 Services
// held about 6 MiB of such pages).
#include "malloc_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// heapTrim(): true when memory went back to the kernel, false when none did or the C library
// (musl, for one) has no malloc_trim.
napi_value heap_trim(napi_env env, napi_callback_info info) {
  (void)info;
  bool released = false;
#if defined(__GLIBC__)
  released = malloc_trim(0) == 1;
#endif
  napi_value result;
  if (napi_get_boolean(env, released, &result) != napi_ok) return NULL;
  return result;
}
