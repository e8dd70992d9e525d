/* relay.h: the user's process that forwards signals to the command. */
#ifndef RELAY_H
#define RELAY_H

#include <sys/types.h>

int relay_run(int, int, pid_t, int);
void relay_close(int, int);

#endif
