// TCP sockets signed with a TCP MD5 key, for BGP sessions with a password (tcp_md5.c); registered by addon.c.
#pragma once
#include <node_api.h>

napi_value tcp_md5_socket(napi_env env, napi_callback_info info);
