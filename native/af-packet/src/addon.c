// The addon's entry point: the Linux calls Node has no API for, one file per kind of call.
//   af_packet.c  raw Ethernet sockets for the layer-2 speaker's ARP and NDP
//   tcp_md5.c    TCP sockets with an RFC 2385 MD5 key, for BGP peers with a password
//   malloc_trim.c  gives the C heap's free pages back to the kernel (the controller, after a burst)
#include <node_api.h>

#include "af_packet.h"
#include "malloc_trim.h"
#include "tcp_md5.h"

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, af_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, af_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"addMembership", NULL, af_add_membership, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dropMembership", NULL, af_drop_membership, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, af_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"md5Socket", NULL, tcp_md5_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"heapTrim", NULL, heap_trim, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
