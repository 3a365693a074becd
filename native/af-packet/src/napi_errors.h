// Errors for JavaScript, shared by the addon's parts (napi_errors.c).
#pragma once
#include <node_api.h>

// errno's name ("EPERM"), or "EUNKNOWN".
const char *errno_name(int err);
// An Error like Node's system errors: message "<syscall> <detail>: <strerror>", code, errno, syscall.
napi_value make_errno_error(napi_env env, const char *syscall, const char *detail, int err);
// Throws make_errno_error's Error; returns NULL for the caller to return.
napi_value throw_errno(napi_env env, const char *syscall, const char *detail, int err);
// Throws a TypeError (code ERR_INVALID_ARG_TYPE); returns NULL.
napi_value throw_type(napi_env env, const char *msg);
