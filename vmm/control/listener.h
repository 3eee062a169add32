/*
 * Between the two halves of the control socket server (inside vmm/control/):
 * listener.c owns the listening socket and its path, server.c the clients.
 * The contract for the rest of the VMM is server.h.
 */
#ifndef VMM_CONTROL_LISTENER_H
#define VMM_CONTROL_LISTENER_H

#include <stdint.h>

#include "vmm/control/server.h"

/* Take the connections waiting on the listening socket into free client
 * slots (a few per call); refuse the rest with one line. now: ms,
 * CLOCK_MONOTONIC. */
void control_listener_accept(struct control_server *s, uint64_t now);

/* Forget a client: close its fd and free its buffers (server.c). */
void control_client_drop(struct control_client *c);

#endif
