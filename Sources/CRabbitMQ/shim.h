#ifndef CRABBITMQ_SHIM_H
#define CRABBITMQ_SHIM_H
/* librabbitmq 0.11 (Debian 12): headers live directly in /usr/include, not in rabbitmq-c/. */
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <linux/sockios.h>
#include "buffered_socket.h"

/* Names the calling thread (at most 15 bytes are kept), as `top -H` and /proc/PID/task/TID/comm show it. prctl is a
   C variadic function, which Swift cannot call. */
static inline void crmq_name_current_thread(const char *name) {
  prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

/* Bytes written to a TCP socket that the kernel has not sent yet (SIOCOUTQNSD), 0 when unknown. ioctl is a C
   variadic function, which Swift cannot call. */
static inline int crmq_unsent_bytes(int fd) {
  int unsent = 0;
  if (ioctl(fd, SIOCOUTQNSD, &unsent) != 0) return 0;
  return unsent;
}

/* amqp_login and amqp_login_with_properties are C variadic functions, which Swift cannot call.
   These wrappers fix the SASL method to PLAIN and pass user and password explicitly. */
static inline amqp_rpc_reply_t crmq_login_plain(amqp_connection_state_t state, const char *vhost,
                                                int channel_max, int frame_max, int heartbeat,
                                                const char *user, const char *password) {
  return amqp_login(state, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user,
                    password);
}

static inline amqp_rpc_reply_t crmq_login_plain_properties(amqp_connection_state_t state,
                                                           const char *vhost, int channel_max,
                                                           int frame_max, int heartbeat,
                                                           const amqp_table_t *properties,
                                                           const char *user, const char *password) {
  return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, properties,
                                    AMQP_SASL_METHOD_PLAIN, user, password);
}
#endif
