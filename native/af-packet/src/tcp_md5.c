// TCP sockets with an RFC 2385 MD5 key, for BGP peers that have a password.
//
// Linux signs a connection's segments when the socket holds a key for the peer's address
// (setsockopt TCP_MD5SIG), and the key must be there before the SYN goes out. Node cannot set socket
// options, so this opens the socket, sets the key (and binds the local address, when one is asked
// for), and returns the descriptor unconnected: JavaScript wraps it in a net.Socket and connects it,
// and from there on it is an ordinary Node socket.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "napi_errors.h"
#include "tcp_md5.h"

// An address's text ("198.18.0.1", "fd00::1") as a sockaddr with port 0; false when it is neither.
static bool parse_address(const char *text, struct sockaddr_storage *out, socklen_t *len) {
  memset(out, 0, sizeof *out);
  struct sockaddr_in *v4 = (struct sockaddr_in *)out;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    *len = sizeof *v4;
    return true;
  }
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    *len = sizeof *v6;
    return true;
  }
  return false;
}

// md5Socket(peerAddress, key, localAddress?) -> fd
napi_value tcp_md5_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) return throw_type(env, "md5Socket(peerAddress, key, localAddress?)");

  char peer[INET6_ADDRSTRLEN + 1], local[INET6_ADDRSTRLEN + 1];
  // One byte more than the longest key the kernel takes, to tell a longer one apart.
  char key[TCP_MD5SIG_MAXKEYLEN + 2];
  if (!get_string_arg(env, argv[0], peer, sizeof peer, NULL, "peerAddress must be an address")) return NULL;
  size_t keylen = 0;
  if (!get_string_arg(env, argv[1], key, sizeof key, &keylen, "key must be a string of 1 to 80 bytes"))
    return NULL;

  bool has_local = false;
  if (argc >= 3) {
    napi_valuetype t;
    if (napi_typeof(env, argv[2], &t) != napi_ok) return NULL;
    if (t != napi_undefined) {
      if (!get_string_arg(env, argv[2], local, sizeof local, NULL, "localAddress must be an address"))
        return NULL;
      has_local = true;
    }
  }

  struct tcp_md5sig sig;
  memset(&sig, 0, sizeof sig);
  socklen_t peer_len;
  if (!parse_address(peer, &sig.tcpm_addr, &peer_len)) return throw_type(env, "peerAddress must be an address");
  sig.tcpm_keylen = (uint16_t)keylen;
  memcpy(sig.tcpm_key, key, keylen);
  int family = sig.tcpm_addr.ss_family;

  struct sockaddr_storage bind_addr;
  socklen_t bind_len = 0;
  if (has_local && (!parse_address(local, &bind_addr, &bind_len) || bind_addr.ss_family != family))
    return throw_type(env, "localAddress must be an address of the peer's family");

  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", peer, errno);
  if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) != 0) {
    int err = errno;
    close(fd);
    // ENOPROTOOPT: a kernel built without CONFIG_TCP_MD5SIG.
    return throw_errno(env, "setsockopt TCP_MD5SIG", peer, err);
  }
  if (has_local && bind(fd, (struct sockaddr *)&bind_addr, bind_len) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", local, err);
  }
  memset(key, 0, sizeof key);
  memset(&sig, 0, sizeof sig);
  napi_value out;
  if (napi_create_int32(env, fd, &out) != napi_ok) {
    close(fd);
    return NULL;
  }
  return out;
}
