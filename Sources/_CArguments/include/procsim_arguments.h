#ifndef PROCSIM_ARGUMENTS_H
#define PROCSIM_ARGUMENTS_H

/// The process's arguments as the C runtime passed them, captured before main.
int procsim_argc(void);
char *const *procsim_argv(void);

#endif
