// AF_PACKET sockets for BareLB's speaker: the only code in the project that touches raw sockets.
//
// Node has no AF_PACKET support, so this small N-API addon opens a SOCK_RAW packet socket bound to
// one interface, attaches a classic BPF filter so the kernel only wakes us for ARP and ICMPv6
// Neighbor Solicitations/Advertisements, and reads on a thread of its own that hands each frame to
// JavaScript through a thread-safe function. Plain N-API (no libuv, no nan): one build serves every
// Node version.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <node_api.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FRAME 2048

typedef struct {
  int fd;
  int wake_fd;
  int ifindex;
  int closed;
  pthread_t thread;
  napi_threadsafe_function tsfn;
} handle_t;

typedef struct {
  size_t len;
  uint8_t data[];
} frame_t;

// ARP, or IPv6 whose next header is ICMPv6 (58) with type 135 (NS) or 136 (NA). Extension headers
// are not followed: NDP messages carry none in practice, and the responder drops them anyway.
static struct sock_filter ndp_arp_filter[] = {
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},
    {BPF_JMP | BPF_JEQ | BPF_K, 6, 0, ETHERTYPE_ARP},
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 6, ETHERTYPE_IPV6},
    {BPF_LD | BPF_B | BPF_ABS, 0, 0, 20},
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 4, 58},
    {BPF_LD | BPF_B | BPF_ABS, 0, 0, 54},
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 135},
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 136},
    {BPF_RET | BPF_K, 0, 0, 0x40000},
    {BPF_RET | BPF_K, 0, 0, 0},
};

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  const char *code = "EIO";
  switch (err) {
    case EPERM: code = "EPERM"; break;
    case EACCES: code = "EACCES"; break;
    case ENODEV: code = "ENODEV"; break;
    case ENXIO: code = "ENXIO"; break;
    case ENETDOWN: code = "ENETDOWN"; break;
    case EINVAL: code = "EINVAL"; break;
    case EMSGSIZE: code = "EMSGSIZE"; break;
    case ENOBUFS: code = "ENOBUFS"; break;
    case EAGAIN: code = "EAGAIN"; break;
    default: break;
  }
  napi_throw_error(env, code, msg);
  return NULL;
}

// Runs on the JS thread: turns a frame read by the reader thread into a Buffer for the callback.
static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  (void)context;
  frame_t *f = data;
  if (env != NULL && cb != NULL) {
    napi_value buf, undefined;
    void *copy;
    if (napi_create_buffer_copy(env, f->len, f->data, &copy, &buf) == napi_ok &&
        napi_get_undefined(env, &undefined) == napi_ok) {
      napi_call_function(env, undefined, cb, 1, &buf, NULL);
    }
  }
  free(f);
}

static void *reader(void *arg) {
  handle_t *h = arg;
  struct pollfd fds[2] = {{h->fd, POLLIN, 0}, {h->wake_fd, POLLIN, 0}};
  uint8_t buf[MAX_FRAME];
  for (;;) {
    int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents) break;  // close() asked us to stop
    if (!(fds[0].revents & POLLIN)) {
      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) break;
      continue;
    }
    struct sockaddr_ll from;
    socklen_t fromlen = sizeof from;
    ssize_t len = recvfrom(h->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
    if (len <= 0) continue;
    if (from.sll_pkttype == PACKET_OUTGOING) continue;  // our own transmissions
    frame_t *f = malloc(sizeof(frame_t) + (size_t)len);
    if (!f) continue;
    f->len = (size_t)len;
    memcpy(f->data, buf, (size_t)len);
    if (napi_call_threadsafe_function(h->tsfn, f, napi_tsfn_nonblocking) != napi_ok) free(f);
  }
  return NULL;
}

static handle_t *get_handle(napi_env env, napi_value v) {
  handle_t *h = NULL;
  if (napi_get_value_external(env, v, (void **)&h) != napi_ok || h == NULL) {
    napi_throw_type_error(env, NULL, "first argument must be an af-packet handle");
    return NULL;
  }
  return h;
}

static void close_handle(handle_t *h) {
  if (h->closed) return;
  h->closed = 1;
  uint64_t one = 1;
  if (write(h->wake_fd, &one, sizeof one) < 0) { /* the thread also stops on a closed fd */ }
  pthread_join(h->thread, NULL);
  napi_release_threadsafe_function(h->tsfn, napi_tsfn_abort);
  close(h->fd);
  close(h->wake_fd);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_t *h = data;
  close_handle(h);
  free(h);
}

// open(ifname: string, onFrame: (frame: Buffer) => void): Handle
static napi_value af_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype t0, t1;
  if (argc < 2 || napi_typeof(env, argv[0], &t0) != napi_ok || t0 != napi_string ||
      napi_typeof(env, argv[1], &t1) != napi_ok || t1 != napi_function) {
    napi_throw_type_error(env, NULL, "open(ifname: string, onFrame: function)");
    return NULL;
  }
  char ifname[IF_NAMESIZE + 1];
  size_t n = 0;
  napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &n);
  if (n == 0 || n >= IF_NAMESIZE) {
    napi_throw_type_error(env, NULL, "interface name must be 1-15 bytes");
    return NULL;
  }
  unsigned int ifindex = if_nametoindex(ifname);
  if (ifindex == 0) return throw_errno(env, ifname, errno ? errno : ENODEV);

  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) return throw_errno(env, "socket(AF_PACKET)", errno);
  struct sock_fprog prog = {sizeof ndp_arp_filter / sizeof ndp_arp_filter[0], ndp_arp_filter};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "SO_ATTACH_FILTER", e);
  }
#ifdef PACKET_IGNORE_OUTGOING
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);  // best effort; pkttype check backs it up
#endif
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = (int)ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }
  // Frames queued between socket() and bind() may come from any interface: drop them.
  uint8_t scratch[MAX_FRAME];
  while (recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) > 0) {
  }

  handle_t *h = calloc(1, sizeof *h);
  if (!h) {
    close(fd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  h->fd = fd;
  h->ifindex = (int)ifindex;
  h->wake_fd = eventfd(0, EFD_CLOEXEC);
  if (h->wake_fd < 0) {
    int e = errno;
    close(fd);
    free(h);
    return throw_errno(env, "eventfd", e);
  }
  napi_value name;
  napi_create_string_utf8(env, "barelb-af-packet", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &h->tsfn) != napi_ok) {
    close(fd);
    close(h->wake_fd);
    free(h);
    napi_throw_error(env, "EIO", "cannot create thread-safe function");
    return NULL;
  }
  if (pthread_create(&h->thread, NULL, reader, h) != 0) {
    napi_release_threadsafe_function(h->tsfn, napi_tsfn_abort);
    close(fd);
    close(h->wake_fd);
    free(h);
    napi_throw_error(env, "EIO", "cannot start reader thread");
    return NULL;
  }
  napi_value ext;
  napi_create_external(env, h, finalize_handle, NULL, &ext);
  return ext;
}

// send(handle, frame: Uint8Array): void
static napi_value af_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "send(handle, frame)");
    return NULL;
  }
  handle_t *h = get_handle(env, argv[0]);
  if (!h) return NULL;
  if (h->closed) return throw_errno(env, "send on a closed socket", EBADF);
  bool is_typed;
  napi_is_typedarray(env, argv[1], &is_typed);
  if (!is_typed) {
    napi_throw_type_error(env, NULL, "frame must be a Uint8Array");
    return NULL;
  }
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_get_typedarray_info(env, argv[1], &type, &len, &data, NULL, NULL);
  if (type != napi_uint8_array || len < 14 || len > MAX_FRAME) {
    napi_throw_type_error(env, NULL, "frame must be a Uint8Array of 14..2048 bytes");
    return NULL;
  }
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = h->ifindex;
  to.sll_halen = ETH_ALEN;
  memcpy(to.sll_addr, data, ETH_ALEN);
  if (sendto(h->fd, data, len, 0, (struct sockaddr *)&to, sizeof to) < 0) return throw_errno(env, "sendto", errno);
  return NULL;
}

static napi_value membership(napi_env env, napi_callback_info info, int op) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "expected (handle, mac)");
    return NULL;
  }
  handle_t *h = get_handle(env, argv[0]);
  if (!h) return NULL;
  bool is_typed;
  napi_is_typedarray(env, argv[1], &is_typed);
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  if (is_typed) napi_get_typedarray_info(env, argv[1], &type, &len, &data, NULL, NULL);
  if (!is_typed || type != napi_uint8_array || len != ETH_ALEN) {
    napi_throw_type_error(env, NULL, "mac must be a 6-byte Uint8Array");
    return NULL;
  }
  struct packet_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.mr_ifindex = h->ifindex;
  mr.mr_type = PACKET_MR_MULTICAST;
  mr.mr_alen = ETH_ALEN;
  memcpy(mr.mr_address, data, ETH_ALEN);
  if (setsockopt(h->fd, SOL_PACKET, op, &mr, sizeof mr) < 0) return throw_errno(env, "packet membership", errno);
  return NULL;
}

static napi_value af_add_membership(napi_env env, napi_callback_info info) {
  return membership(env, info, PACKET_ADD_MEMBERSHIP);
}

static napi_value af_drop_membership(napi_env env, napi_callback_info info) {
  return membership(env, info, PACKET_DROP_MEMBERSHIP);
}

// close(handle): stops the reader thread and closes the socket. Idempotent.
static napi_value af_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "close(handle)");
    return NULL;
  }
  handle_t *h = get_handle(env, argv[0]);
  if (h) close_handle(h);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, af_open, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, af_send, NULL, NULL, NULL, napi_default, NULL},
      {"addMembership", NULL, af_add_membership, NULL, NULL, NULL, napi_default, NULL},
      {"dropMembership", NULL, af_drop_membership, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, af_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
