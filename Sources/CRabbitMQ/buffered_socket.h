#ifndef CRABBITMQ_BUFFERED_SOCKET_H
#define CRABBITMQ_BUFFERED_SOCKET_H
/* Gathers the frames librabbitmq writes into one buffer, so that a publish (method, header and body frames: three
   send(2) calls inside the library) or a whole round of publishes and acks reaches the kernel in one write.

   librabbitmq dispatches every socket operation through the v-table its socket objects start with (amqp_socket.h,
   which is not installed; the same six entries from 0.4 to 0.15). The connection's socket keeps its object; only
   its v-table pointer is turned to a per-socket copy that also holds the buffer and the original v-table. */
#include <amqp.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef struct crmq_socket_class {
  ssize_t (*send)(void *, const void *, size_t, int);
  ssize_t (*recv)(void *, void *, size_t, int);
  int (*open)(void *, const char *, int, struct timeval *);
  int (*close)(void *, int);
  int (*get_sockfd)(void *);
  void (*delete)(void *);
} crmq_socket_class;

/* The socket's v-table while it buffers. `methods` must stay first: the socket's v-table pointer points at it. */
typedef struct crmq_send_buffer {
  crmq_socket_class methods;
  const crmq_socket_class *original;
  unsigned char *bytes;
  size_t length;
  size_t capacity;
  /* While set, even a frame that ends a message stays in the buffer until crmq_send_buffer_release. */
  int holding;
  /* Writes handed to the original socket (tests and diagnostics). */
  long writes;
} crmq_send_buffer;

enum {
  CRMQ_SEND_MORE = 1,            /* AMQP_SF_MORE: more frames of this message follow */
  CRMQ_STATUS_NEED_READ = -0x1301, /* AMQP_PRIVATE_STATUS_SOCKET_NEEDREAD */
  CRMQ_STATUS_NEED_WRITE = -0x1302 /* AMQP_PRIVATE_STATUS_SOCKET_NEEDWRITE */
};

static inline crmq_send_buffer *crmq_send_buffer_of(void *socket) { return *(crmq_send_buffer **)socket; }

/* Writes everything buffered through the original socket, waiting in poll while the kernel has no room (as the
   library itself does for a publish). Returns AMQP_STATUS_OK or the failure; the buffer is empty afterwards. */
static inline int crmq_send_buffer_write(void *socket, crmq_send_buffer *buffer) {
  size_t written = 0;
  int status = AMQP_STATUS_OK;
  while (written < buffer->length) {
    ssize_t result = buffer->original->send(socket, buffer->bytes + written, buffer->length - written, 0);
    buffer->writes++;
    if (result > 0) {
      written += (size_t)result;
    } else if (result == CRMQ_STATUS_NEED_WRITE || result == CRMQ_STATUS_NEED_READ) {
      struct pollfd descriptor = {
          .fd = buffer->original->get_sockfd(socket),
          .events = (short)(result == CRMQ_STATUS_NEED_WRITE ? POLLOUT : POLLIN),
          .revents = 0};
      if (poll(&descriptor, 1, -1) < 0 && errno != EINTR) {
        status = AMQP_STATUS_SOCKET_ERROR;
        break;
      }
    } else {
      status = result < 0 ? (int)result : AMQP_STATUS_SOCKET_ERROR;
      break;
    }
  }
  buffer->length = 0;
  if (buffer->capacity > (1u << 20)) {
    /* A very large message passed: do not keep its memory. */
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->capacity = 0;
  }
  return status;
}

static inline ssize_t crmq_send_buffer_send(void *socket, const void *bytes, size_t length, int flags) {
  crmq_send_buffer *buffer = crmq_send_buffer_of(socket);
  if (buffer->length + length > buffer->capacity) {
    size_t capacity = buffer->capacity ? buffer->capacity : 16384;
    while (capacity < buffer->length + length) capacity *= 2;
    unsigned char *grown = realloc(buffer->bytes, capacity);
    if (!grown) return AMQP_STATUS_NO_MEMORY;
    buffer->bytes = grown;
    buffer->capacity = capacity;
  }
  memcpy(buffer->bytes + buffer->length, bytes, length);
  buffer->length += length;
  if (buffer->holding || (flags & CRMQ_SEND_MORE)) return (ssize_t)length;
  int status = crmq_send_buffer_write(socket, buffer);
  return status == AMQP_STATUS_OK ? (ssize_t)length : status;
}

static inline ssize_t crmq_send_buffer_recv(void *socket, void *bytes, size_t length, int flags) {
  return crmq_send_buffer_of(socket)->original->recv(socket, bytes, length, flags);
}

static inline int crmq_send_buffer_open(void *socket, const char *host, int port, struct timeval *timeout) {
  return crmq_send_buffer_of(socket)->original->open(socket, host, port, timeout);
}

static inline int crmq_send_buffer_close(void *socket, int force) {
  crmq_send_buffer *buffer = crmq_send_buffer_of(socket);
  buffer->length = 0;
  return buffer->original->close(socket, force);
}

static inline int crmq_send_buffer_get_sockfd(void *socket) {
  return crmq_send_buffer_of(socket)->original->get_sockfd(socket);
}

static inline void crmq_send_buffer_delete(void *socket) {
  crmq_send_buffer *buffer = crmq_send_buffer_of(socket);
  const crmq_socket_class *original = buffer->original;
  /* The object goes back to its own v-table before the library frees it. */
  *(const crmq_socket_class **)socket = original;
  free(buffer->bytes);
  free(buffer);
  original->delete(socket);
}

/* Makes the connection's socket buffer its sends; returns the buffer (owned by the socket: freed with it), or NULL
   when the connection has no socket, the library is not a 0.x version from 0.4 on, or memory is short — the socket
   then writes each frame itself, as before. */
static inline crmq_send_buffer *crmq_send_buffer_install(amqp_connection_state_t state) {
  uint32_t version = amqp_version_number();
  if ((version >> 24) != 0 || ((version >> 16) & 0xff) < 4) return NULL;
  void *socket = amqp_get_socket(state);
  if (!socket) return NULL;
  crmq_send_buffer *buffer = calloc(1, sizeof *buffer);
  if (!buffer) return NULL;
  buffer->original = *(const crmq_socket_class **)socket;
  buffer->methods.send = crmq_send_buffer_send;
  buffer->methods.recv = crmq_send_buffer_recv;
  buffer->methods.open = crmq_send_buffer_open;
  buffer->methods.close = crmq_send_buffer_close;
  buffer->methods.get_sockfd = crmq_send_buffer_get_sockfd;
  buffer->methods.delete = crmq_send_buffer_delete;
  *(crmq_send_buffer **)socket = buffer;
  return buffer;
}

/* From now on every frame stays in the buffer (until crmq_send_buffer_release). */
static inline void crmq_send_buffer_hold(crmq_send_buffer *buffer) { buffer->holding = 1; }

/* Stops holding and writes what is buffered; AMQP_STATUS_OK or the failure (the connection is then broken). */
static inline int crmq_send_buffer_release(amqp_connection_state_t state, crmq_send_buffer *buffer) {
  buffer->holding = 0;
  if (buffer->length == 0) return AMQP_STATUS_OK;
  return crmq_send_buffer_write(amqp_get_socket(state), buffer);
}

static inline long crmq_send_buffer_writes(const crmq_send_buffer *buffer) { return buffer->writes; }
#endif
