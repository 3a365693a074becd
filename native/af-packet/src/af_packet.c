// AF_PACKET sockets for BareLB's speaker: the only code in the project that touches raw sockets.
//
// Node has no AF_PACKET support, so this small addon opens a SOCK_RAW packet socket bound to one
// interface, attaches a classic BPF filter so the kernel only wakes us for ARP and ICMPv6 Neighbor
// Solicitations/Advertisements, and reads on a thread of its own that hands each frame to JavaScript
// through a thread-safe function. Plain C against node_api.h (no libuv, no nan, no V8): one build
// runs on every Node version that has N-API 8 (Node 20, 22, 24, ...).
//
// Lifetime: a handle is shared by its JS wrapper object and the thread-safe function (tsfn); it is
// freed when both are gone. The reader thread is always joined on the JS thread before the tsfn can
// go away (by close(), by the wrapper's finalizer, or by the tsfn's own finalizer at environment
// teardown), so the thread never touches a destroyed tsfn.
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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "af_packet.h"
#include "napi_errors.h"

// Big enough for any ARP/NDP frame; larger frames cannot match the filter's purpose and are dropped.
#define MAX_FRAME 2048
// Frames waiting for the JS thread; beyond this the newest are dropped rather than eating memory
// while JS is busy (an ARP storm must not grow the heap without bound).
#define MAX_QUEUE 4096

typedef struct {
  int fd;
  int wake_fd;
  int ifindex;
  bool closed;          // close requested; no more sends
  bool thread_running;  // reader thread started and not yet joined
  bool tsfn_live;       // tsfn not finalized yet
  bool tsfn_released;   // our (only) reference to the tsfn was released
  int refs;             // JS wrapper + tsfn
  pthread_t thread;
  napi_threadsafe_function tsfn;
  napi_ref on_error;  // optional (err: Error) => void, may be NULL
} handle_t;

// An item from the reader thread: a frame, or an error (len 0, err set).
typedef struct {
  int err;
  size_t len;
  uint8_t data[];
} item_t;

// Identifies our wrapper objects, so a foreign object passed as a handle is a TypeError, not a crash.
static const napi_type_tag HANDLE_TAG = {0x6261726c62616670ULL, 0x61636b6574763031ULL};

// Accepts ARP, and IPv6 whose next header is ICMPv6 (58) with type 135 (NS) or 136 (NA). Extension
// headers are not followed: NDP messages carry none in practice, and the responder drops them anyway.
// Offsets: EtherType at 12, IPv6 next header at 14+6, ICMPv6 type at 14+40.
//
// Frames that arrived with a VLAN tag are dropped first. The kernel strips the tag before packet
// sockets see a frame (in hardware with VLAN offload, else in skb_vlan_untag), so on `eth0` an ARP
// request of `eth0.100` looks untagged and a speaker would answer it on the wrong VLAN (issue 12,
// finding 8). The tag survives only as skb metadata, which the ancillary load reads; the socket on
// `eth0.100` itself sees the frame with no tag left, and accepts it.
static struct sock_filter ndp_arp_filter[] = {
    /* 0 */ {BPF_LD | BPF_B | BPF_ABS, 0, 0, (uint32_t)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)},
    /* 1 */ {BPF_JMP | BPF_JEQ | BPF_K, 0, 9, 0},  // tagged -> 11 drop
    /* 2 */ {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},
    /* 3 */ {BPF_JMP | BPF_JEQ | BPF_K, 6, 0, ETHERTYPE_ARP},   // -> 10 accept
    /* 4 */ {BPF_JMP | BPF_JEQ | BPF_K, 0, 6, ETHERTYPE_IPV6},  // else -> 11 drop
    /* 5 */ {BPF_LD | BPF_B | BPF_ABS, 0, 0, 20},
    /* 6 */ {BPF_JMP | BPF_JEQ | BPF_K, 0, 4, 58},  // else -> 11 drop
    /* 7 */ {BPF_LD | BPF_B | BPF_ABS, 0, 0, 54},
    /* 8 */ {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 135},  // -> 10 accept
    /* 9 */ {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 136},  // else -> 11 drop
    /* 10 */ {BPF_RET | BPF_K, 0, 0, MAX_FRAME},
    /* 11 */ {BPF_RET | BPF_K, 0, 0, 0},
};

static void unref_handle(handle_t *h) {
  if (--h->refs == 0) free(h);
}

// Runs on the JS thread. env is NULL when the tsfn is being torn down: just free the item.
static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  handle_t *h = context;
  item_t *item = data;
  if (env != NULL && cb != NULL && !h->closed) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    if (item->err == 0) {
      napi_value buf;
      void *copy;
      if (napi_create_buffer_copy(env, item->len, item->data, &copy, &buf) == napi_ok)
        napi_call_function(env, undefined, cb, 1, &buf, NULL);
    } else if (h->on_error != NULL) {
      napi_value fn, error = make_errno_error(env, "recvfrom", NULL, item->err);
      if (error && napi_get_reference_value(env, h->on_error, &fn) == napi_ok && fn != NULL)
        napi_call_function(env, undefined, fn, 1, &error, NULL);
    }
  }
  free(item);
}

static void push(handle_t *h, item_t *item) {
  if (napi_call_threadsafe_function(h->tsfn, item, napi_tsfn_nonblocking) != napi_ok) free(item);
}

static void *reader(void *arg) {
  handle_t *h = arg;
  uint8_t buf[MAX_FRAME];
  for (;;) {
    struct pollfd fds[2] = {{h->fd, POLLIN, 0}, {h->wake_fd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return NULL;
    }
    if (fds[1].revents) return NULL;  // close() asked us to stop
    if (fds[0].revents & POLLNVAL) return NULL;
    if (!(fds[0].revents & (POLLIN | POLLERR))) continue;
    // POLLERR is a pending socket error, e.g. ENETDOWN when the link goes down: recvfrom returns
    // and clears it. The socket keeps working once the link is up again, so we keep reading.
    struct sockaddr_ll from;
    socklen_t fromlen = sizeof from;
    ssize_t len = recvfrom(h->fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
    if (len < 0) {
      int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR) continue;
      item_t *item = malloc(sizeof(item_t));
      if (item) {
        item->err = e;
        item->len = 0;
        push(h, item);
      }
      if (e == EBADF || e == ENOTSOCK) return NULL;
      continue;
    }
    if (len == 0 || (size_t)len > sizeof buf) continue;  // truncated: not a frame we answer
    if (from.sll_pkttype == PACKET_OUTGOING) continue;   // our own transmissions (older kernels)
    item_t *item = malloc(sizeof(item_t) + (size_t)len);
    if (!item) continue;
    item->err = 0;
    item->len = (size_t)len;
    memcpy(item->data, buf, (size_t)len);
    push(h, item);
  }
}

// Joins the reader thread and closes the descriptors. JS thread only.
static void stop_reader(handle_t *h) {
  if (h->thread_running) {
    uint64_t one = 1;
    while (write(h->wake_fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
    pthread_join(h->thread, NULL);
    h->thread_running = false;
  }
  if (h->fd >= 0) close(h->fd);
  if (h->wake_fd >= 0) close(h->wake_fd);
  h->fd = h->wake_fd = -1;
}

static void close_handle(napi_env env, handle_t *h) {
  if (h->closed) return;
  h->closed = true;
  stop_reader(h);
  if (h->on_error) {
    napi_delete_reference(env, h->on_error);
    h->on_error = NULL;
  }
  if (h->tsfn_live && !h->tsfn_released) {
    h->tsfn_released = true;
    napi_release_threadsafe_function(h->tsfn, napi_tsfn_abort);  // drops queued frames
  }
}

// The tsfn is going away (after our release, or at environment teardown, possibly before close()).
static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_t *h = data;
  stop_reader(h);
  h->tsfn_live = false;
  unref_handle(h);
}

static void wrapper_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  handle_t *h = data;
  close_handle(env, h);
  unref_handle(h);
}

static handle_t *get_handle(napi_env env, napi_value v) {
  napi_valuetype t;
  bool tagged = false;
  handle_t *h = NULL;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_object ||
      napi_check_object_type_tag(env, v, &HANDLE_TAG, &tagged) != napi_ok || !tagged ||
      napi_unwrap(env, v, (void **)&h) != napi_ok || h == NULL) {
    throw_type(env, "the first argument must be a handle returned by open()");
    return NULL;
  }
  return h;
}

// Reads a Uint8Array argument; false (with a TypeError thrown) when it is not one of min..max bytes.
static bool get_bytes(napi_env env, napi_value v, size_t min, size_t max, void **data, size_t *len,
                      const char *what) {
  bool is_typed = false;
  napi_typedarray_type type = napi_int8_array;
  *len = 0;
  *data = NULL;
  if (napi_is_typedarray(env, v, &is_typed) == napi_ok && is_typed)
    napi_get_typedarray_info(env, v, &type, len, data, NULL, NULL);
  if (!is_typed || type != napi_uint8_array || *len < min || *len > max || (*len > 0 && *data == NULL)) {
    throw_type(env, what);
    return false;
  }
  return true;
}

// open(ifname: string, onFrame: (frame: Buffer) => void, onError?: (err: Error) => void): Handle
napi_value af_open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  napi_valuetype t0 = napi_undefined, t1 = napi_undefined, t2 = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &t0);
  if (argc >= 2) napi_typeof(env, argv[1], &t1);
  if (argc >= 3) napi_typeof(env, argv[2], &t2);
  if (t0 != napi_string || t1 != napi_function || (t2 != napi_undefined && t2 != napi_function))
    return throw_type(env, "open(ifname: string, onFrame: function, onError?: function)");

  char ifname[IF_NAMESIZE + 1];
  size_t n = 0;
  const char *bad_name = "the interface name must be 1 to 15 bytes";
  if (!get_string_arg(env, argv[0], ifname, sizeof ifname, &n, bad_name)) return NULL;
  if (strlen(ifname) != n) return throw_type(env, bad_name);
  unsigned int ifindex = if_nametoindex(ifname);
  if (ifindex == 0) return throw_errno(env, "if_nametoindex", ifname, errno ? errno : ENODEV);

  // Protocol 0: the socket receives nothing until bind(), which happens after the filter is in
  // place, so no unfiltered frame from another interface can slip into the queue.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", "AF_PACKET", errno);
  struct sock_fprog prog = {sizeof ndp_arp_filter / sizeof ndp_arp_filter[0], ndp_arp_filter};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "setsockopt", "SO_ATTACH_FILTER", e);
  }
#ifdef PACKET_IGNORE_OUTGOING
  // Linux 4.20+; best effort, the sll_pkttype check in the reader covers older kernels.
  int one = 1;
  (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#endif
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = (int)ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", ifname, e);
  }
  int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "eventfd", NULL, e);
  }

  handle_t *h = calloc(1, sizeof *h);
  napi_value obj, name;
  if (h == NULL || napi_create_object(env, &obj) != napi_ok ||
      napi_create_string_utf8(env, "barelb-af-packet", NAPI_AUTO_LENGTH, &name) != napi_ok) {
    free(h);
    close(fd);
    close(wake_fd);
    return throw_errno(env, "open", ifname, ENOMEM);
  }
  h->fd = fd;
  h->wake_fd = wake_fd;
  h->ifindex = (int)ifindex;
  if (t2 == napi_function && napi_create_reference(env, argv[2], 1, &h->on_error) != napi_ok) {
    free(h);
    close(fd);
    close(wake_fd);
    return throw_errno(env, "open", ifname, ENOMEM);
  }
  if (napi_create_threadsafe_function(env, argv[1], NULL, name, MAX_QUEUE, 1, h, tsfn_finalize, h, call_js,
                                      &h->tsfn) != napi_ok) {
    if (h->on_error) napi_delete_reference(env, h->on_error);
    free(h);
    close(fd);
    close(wake_fd);
    return throw_errno(env, "napi_create_threadsafe_function", ifname, ENOMEM);
  }
  h->tsfn_live = true;
  h->refs = 1;  // the tsfn's; the wrapper's is added below
  if (napi_wrap(env, obj, h, wrapper_finalize, NULL, NULL) != napi_ok) {
    close_handle(env, h);  // releases the tsfn, whose finalizer frees h
    return throw_errno(env, "napi_wrap", ifname, ENOMEM);
  }
  h->refs = 2;
  napi_type_tag_object(env, obj, &HANDLE_TAG);
  int e = pthread_create(&h->thread, NULL, reader, h);
  if (e != 0) {
    close_handle(env, h);  // the wrapper stays, closed; sends throw EBADF
    return throw_errno(env, "pthread_create", ifname, e);
  }
  h->thread_running = true;
  return obj;
}

// send(handle, frame: Uint8Array): void — one complete Ethernet frame, destination MAC first.
napi_value af_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) return throw_type(env, "send(handle, frame: Uint8Array)");
  handle_t *h = get_handle(env, argv[0]);
  if (!h) return NULL;
  void *data;
  size_t len;
  if (!get_bytes(env, argv[1], ETH_HLEN, MAX_FRAME, &data, &len, "the frame must be a Uint8Array of 14 to 2048 bytes"))
    return NULL;
  if (h->closed) return throw_errno(env, "sendto", "(closed)", EBADF);
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = h->ifindex;
  to.sll_halen = ETH_ALEN;
  memcpy(to.sll_addr, data, ETH_ALEN);
  ssize_t sent;
  do {
    sent = sendto(h->fd, data, len, 0, (struct sockaddr *)&to, sizeof to);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return throw_errno(env, "sendto", NULL, errno);
  return NULL;
}

static napi_value membership(napi_env env, napi_callback_info info, int op) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) return throw_type(env, "expected (handle, mac: Uint8Array)");
  handle_t *h = get_handle(env, argv[0]);
  if (!h) return NULL;
  void *data;
  size_t len;
  if (!get_bytes(env, argv[1], ETH_ALEN, ETH_ALEN, &data, &len, "the MAC must be a Uint8Array of 6 bytes"))
    return NULL;
  if (h->closed) return throw_errno(env, "setsockopt", "(closed)", EBADF);
  struct packet_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.mr_ifindex = h->ifindex;
  mr.mr_type = PACKET_MR_MULTICAST;
  mr.mr_alen = ETH_ALEN;
  memcpy(mr.mr_address, data, ETH_ALEN);
  if (setsockopt(h->fd, SOL_PACKET, op, &mr, sizeof mr) < 0)
    return throw_errno(env, "setsockopt",
                       op == PACKET_ADD_MEMBERSHIP ? "PACKET_ADD_MEMBERSHIP" : "PACKET_DROP_MEMBERSHIP", errno);
  return NULL;
}

// addMembership(handle, mac: Uint8Array): void — e.g. 33:33:ff:xx:xx:xx for a solicited-node group.
napi_value af_add_membership(napi_env env, napi_callback_info info) {
  return membership(env, info, PACKET_ADD_MEMBERSHIP);
}

napi_value af_drop_membership(napi_env env, napi_callback_info info) {
  return membership(env, info, PACKET_DROP_MEMBERSHIP);
}

// close(handle): stops the reader thread and closes the socket (memberships go with it). Idempotent.
napi_value af_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1) return throw_type(env, "close(handle)");
  handle_t *h = get_handle(env, argv[0]);
  if (h) close_handle(env, h);
  return NULL;
}
