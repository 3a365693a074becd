// Errors thrown to JavaScript by every part of the addon, shaped like Node's own system errors so the
// callers handle them the same way (err.code === 'EPERM').
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "napi_errors.h"

const char *errno_name(int err) {
  switch (err) {
#define E(x) \
  case x:    \
    return #x;
    E(EPERM) E(EACCES) E(ENODEV) E(ENXIO) E(ENETDOWN) E(ENETUNREACH) E(EINVAL) E(EMSGSIZE)
    E(ENOBUFS) E(EAGAIN) E(EBADF) E(ENOMEM) E(EMFILE) E(ENFILE) E(EFAULT) E(EINTR) E(EIO)
    E(EADDRNOTAVAIL) E(EAFNOSUPPORT) E(EPROTONOSUPPORT) E(EOPNOTSUPP) E(ENOENT) E(EBUSY) E(ENOTSOCK)
    E(ENOPROTOOPT) E(EADDRINUSE)
#undef E
    default:
      return "EUNKNOWN";
  }
}

// An Error like Node's system errors: message "<syscall> <ifname>: <strerror>", code "EPERM", errno
// (positive, as in errno.h), syscall.
napi_value make_errno_error(napi_env env, const char *syscall, const char *detail, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s%s%s: %s", syscall, detail ? " " : "", detail ? detail : "", strerror(err));
  napi_value code, message, error, num, sys;
  if (napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) != napi_ok ||
      napi_create_error(env, code, message, &error) != napi_ok)
    return NULL;
  if (napi_create_int32(env, err, &num) == napi_ok) napi_set_named_property(env, error, "errno", num);
  if (napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys) == napi_ok)
    napi_set_named_property(env, error, "syscall", sys);
  return error;
}

napi_value throw_errno(napi_env env, const char *syscall, const char *detail, int err) {
  napi_value error = make_errno_error(env, syscall, detail, err);
  if (error) napi_throw(env, error);
  else napi_throw_error(env, errno_name(err), strerror(err));
  return NULL;
}

napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

bool get_string_arg(napi_env env, napi_value v, char *buf, size_t size, size_t *len, const char *what) {
  // The whole string's length first: a copy stops short of a UTF-8 character that does not fit,
  // so the copied length alone cannot tell a string that fits from one cut short.
  size_t full = 0, n = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &full) == napi_ok && full > 0 && full < size - 1 &&
      napi_get_value_string_utf8(env, v, buf, size, &n) == napi_ok && n == full) {
    if (len) *len = n;
    return true;
  }
  throw_type(env, what);
  return false;
}
