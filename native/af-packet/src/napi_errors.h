// Errors for JavaScript and argument reading, shared by the addon's parts (napi_errors.c).
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <node_api.h>

// errno's name ("EPERM"), or "EUNKNOWN".
const char *errno_name(int err);
// An Error like Node's system errors: message "<syscall> <detail>: <strerror>", code, errno, syscall.
napi_value make_errno_error(napi_env env, const char *syscall, const char *detail, int err);
// Throws make_errno_error's Error; returns NULL for the caller to return.
napi_value throw_errno(napi_env env, const char *syscall, const char *detail, int err);
// Throws a TypeError (code ERR_INVALID_ARG_TYPE); returns NULL.
napi_value throw_type(napi_env env, const char *msg);
// Reads v, a string of 1 to size - 2 bytes, into buf (NUL-terminated) and its length into *len; false,
// with a TypeError(what) thrown, for anything else (not a string, empty, or longer).
bool get_string_arg(napi_env env, napi_value v, char *buf, size_t size, size_t *len, const char *what);
