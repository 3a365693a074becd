// AF_PACKET sockets for ARP and NDP (af_packet.c); registered by addon.c.
#pragma once
#include <node_api.h>

napi_value af_open(napi_env env, napi_callback_info info);
napi_value af_send(napi_env env, napi_callback_info info);
napi_value af_add_membership(napi_env env, napi_callback_info info);
napi_value af_drop_membership(napi_env env, napi_callback_info info);
napi_value af_close(napi_env env, napi_callback_info info);
